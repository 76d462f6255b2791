using Handshake.Audit;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Audit;

/// <summary>node-postgres (pg, tests/interop/node-pg/audit.js) audited through <c>handshake audit postgres --run</c>.</summary>
public sealed class NodePgAuditTests
{
    private static readonly Dictionary<string, AuditVerdict> Pinned = new(StringComparer.Ordinal)
    {
        ["pg.control.scram"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256)
        ["pg.control.scram-plus"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256-PLUS over TLS)
        ["pg.ok-without-server-final"] = AuditVerdict.Fail, // accepted the login
        ["pg.server-final-error"] = AuditVerdict.Pass, // refused: pg: SASL: SCRAM-SERVER-FINAL-MESSAGE: server returned error: "invalid-proof"
        ["pg.wrong-server-signature"] = AuditVerdict.Pass, // refused: pg: SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match
        ["pg.iterations-1"] = AuditVerdict.Fail, // answered i=1 with a client-final proof; accepted the login
        ["pg.iterations-4095"] = AuditVerdict.Fail, // answered i=4095 with a client-final proof; accepted the login
        ["pg.iterations-100000000"] = AuditVerdict.Pass, // refused: pg: SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration count 100000000 exceeds scramMaxIterations of 100000
        ["pg.nonce-not-extended"] = AuditVerdict.Pass, // refused: pg: SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce does not start with client nonce
        ["pg.salt-not-base64"] = AuditVerdict.Pass, // refused: pg: SASL: SCRAM-SERVER-FIRST-MESSAGE: salt must be base64
        ["pg.plus-stripped"] = AuditVerdict.Pass, // sent gs2 flag 'y' (can bind, server did not offer -PLUS); accepted the login
        ["pg.plus-foreign-binding"] = AuditVerdict.Pass, // refused: pg: SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match
        ["pg.ed25519-require"] = AuditVerdict.Pass, // chose SCRAM-SHA-256-PLUS; refused: pg: password authentication failed (binding did not verify)
        ["pg.ok-without-authentication"] = AuditVerdict.Fail, // accepted the login
        ["pg.length-1gib"] = AuditVerdict.Fail, // refused: pg: timeout expired only after 2.0 s (it waited for the announced bytes instead of checking the le...
        ["pg.stall-after-startup"] = AuditVerdict.Pass, // refused: pg: timeout expired
        ["pg.error-control-chars"] = AuditVerdict.Fail, // refused: pg: password authentication failed\x1b[2J\x1b]0;owned\x07 FATAL: everything is fine, you are lo...
        ["pg.oauthbearer-plain"] = AuditVerdict.Pass, // refused: pg: SASL: Only mechanism(s) SCRAM-SHA-256-PLUS and SCRAM-SHA-256 are supported
        ["pg.oauthbearer-error-oversized"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: pg: SASL: Only mechanism(s) SCRAM-SHA-256-PLUS and SCRAM-SHA-256 are supported
        ["pg.oauthbearer-error-then-silence"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: pg: SASL: Only mechanism(s) SCRAM-SHA-256-PLUS and SCRAM-SHA-256 are supported
    };

    [Fact]
    public async Task NodePg_AuditScenarios_MatchPinnedVerdicts()
    {
        var directory = InteropEnvironment.NodePeerDirectory("node-pg");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "pg")), "node_modules/pg is missing: run the suite with tests/run.sh (it runs npm ci).");

        var outcomes = await AuditPins.RunCliAsync("postgres", $"cd '{directory}' && HANDSHAKE_AUDIT_CLIENT_TIMEOUT_MS=2000 node audit.js");

        AuditPins.AssertMatches(Pinned, outcomes, AuditProtocol.PostgreSql);
    }
}
