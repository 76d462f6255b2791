using Handshake.Audit;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Audit;

/// <summary>psql (libpq 15) audited through <c>handshake audit postgres --run</c>; the password reaches it through PGPASSWORD.</summary>
public sealed class PsqlAuditTests
{
    private static readonly Dictionary<string, AuditVerdict> Pinned = new(StringComparer.Ordinal)
    {
        ["pg.control.scram"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256)
        ["pg.control.scram-plus"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256-PLUS over TLS)
        ["pg.ok-without-server-final"] = AuditVerdict.Fail, // accepted the login
        ["pg.server-final-error"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: error received from server in SCR...
        ["pg.wrong-server-signature"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: incorrect server signature
        ["pg.iterations-1"] = AuditVerdict.Fail, // answered i=1 with a client-final proof; accepted the login
        ["pg.iterations-4095"] = AuditVerdict.Fail, // answered i=4095 with a client-final proof; accepted the login
        ["pg.iterations-100000000"] = AuditVerdict.Fail, // hung until the deadline 
        ["pg.nonce-not-extended"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: invalid SCRAM response (nonce mis...
        ["pg.salt-not-base64"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: malformed SCRAM message (invalid ...
        ["pg.plus-stripped"] = AuditVerdict.Pass, // sent gs2 flag 'y' (can bind, server did not offer -PLUS); accepted the login
        ["pg.plus-foreign-binding"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: incorrect server signature
        ["pg.ed25519-require"] = AuditVerdict.Pass, // chose SCRAM-SHA-256-PLUS; refused: could not find digest for NID UNDEF
        ["pg.ok-without-authentication"] = AuditVerdict.Fail, // accepted the login
        ["pg.length-1gib"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: expected authentication request f...
        ["pg.stall-after-startup"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: timeout expired
        ["pg.error-control-chars"] = AuditVerdict.Fail, // refused: psql: error: connection to server at "127.0.0.1", port N failed: FATAL: password authentication fa...
        ["pg.oauthbearer-plain"] = AuditVerdict.Pass, // refused: psql: error: connection to server at "127.0.0.1", port N failed: none of the server's SASL authentication mechanisms are supported
        ["pg.oauthbearer-error-oversized"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: psql: error: connection to server at "127.0.0.1", port N failed: none of the server's SASL authentication m...
        ["pg.oauthbearer-error-then-silence"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: psql: error: connection to server at "127.0.0.1", port N failed: none of the server's SASL authentication m...
    };

    [Fact]
    public async Task Psql_AuditScenarios_MatchPinnedVerdicts()
    {
        var psql = Path.Combine(InteropEnvironment.Get("HANDSHAKE_PG_BINDIR") ?? "/usr/lib/postgresql/15/bin", "psql");
        Assert.True(File.Exists(psql), $"{psql} is missing: run the suite with tests/run.sh (tests/setup.d/10-postgresql.sh installs PostgreSQL 15).");

        var outcomes = await AuditPins.RunCliAsync(
            "postgres",
            $"'{psql}' -X -w -c 'SELECT 1' 'host=127.0.0.1 port={{port}} user=audit dbname=postgres connect_timeout=2 sslmode={{sslmode}} channel_binding={{channel_binding}}'");

        AuditPins.AssertMatches(Pinned, outcomes, AuditProtocol.PostgreSql);
    }
}
