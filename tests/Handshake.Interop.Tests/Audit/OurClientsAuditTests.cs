using Handshake.Audit;
using Handshake.Audit.Tests;

namespace Handshake.Interop.Tests.Audit;

/// <summary>Our own clients (PostgreSqlStartup, MySqlClientConnector) on the same pinned scorecard as the real ones.</summary>
public sealed class OurClientsAuditTests
{
    private static readonly Dictionary<string, AuditVerdict> PinnedPostgreSql = new(StringComparer.Ordinal)
    {
        ["pg.control.scram"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256)
        ["pg.control.scram-plus"] = AuditVerdict.Pass, // accepted the login (SCRAM-SHA-256-PLUS over TLS)
        ["pg.ok-without-server-final"] = AuditVerdict.Pass, // refused: HandshakeException: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing. The server declared a...
        ["pg.server-final-error"] = AuditVerdict.Pass, // refused: HandshakeException: The server rejected the SCRAM authentication: e=invalid-proof.
        ["pg.wrong-server-signature"] = AuditVerdict.Pass, // refused: HandshakeException: The server's SCRAM signature (v=) does not verify: the server does not hold th...
        ["pg.iterations-1"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for 1 PBKDF2 iterations; this client accepts 4096 to 1000000 ...
        ["pg.iterations-4095"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for 4095 PBKDF2 iterations; this client accepts 4096 to 10000...
        ["pg.iterations-100000000"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for 100000000 PBKDF2 iterations; this client accepts 4096 to ...
        ["pg.nonce-not-extended"] = AuditVerdict.Pass, // refused: HandshakeException: The server's nonce does not start with the client's nonce followed by a non-em...
        ["pg.salt-not-base64"] = AuditVerdict.Pass, // refused: HandshakeException: The server's salt (s=) is not valid, non-empty base64.
        ["pg.plus-stripped"] = AuditVerdict.Pass, // sent gs2 flag 'y' (can bind, server did not offer -PLUS); accepted the login
        ["pg.plus-foreign-binding"] = AuditVerdict.Pass, // refused: HandshakeException: The server's SCRAM signature (v=) does not verify: the server does not hold th...
        ["pg.ed25519-require"] = AuditVerdict.Pass, // refused: HandshakeException: none of the offered mechanisms is usable here (no binding for Ed25519)
        ["pg.ok-without-authentication"] = AuditVerdict.Pass, // refused: HandshakeException: The server declared success before any authentication exchange ran. Set Handsh...
        ["pg.length-1gib"] = AuditVerdict.Pass, // refused: HandshakeException: The peer sent a message of type 'R' with length 1073741824; lengths must be 4 ...
        ["pg.stall-after-startup"] = AuditVerdict.Pass, // refused: OperationCanceledException: The operation was canceled.
        ["pg.error-control-chars"] = AuditVerdict.Pass, // refused: HandshakeException: The server rejected authentication (28P01): password authentication failed?[2J...
        ["pg.oauthbearer-plain"] = AuditVerdict.Pass, // refused: HandshakeException: None of the mechanisms the server offered (OAUTHBEARER) is registered, allowed and usable here...
        ["pg.oauthbearer-error-oversized"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: HandshakeException: None of the mechanisms the server offered (OAUTHBEARER) is registered, allowed and usab...
        ["pg.oauthbearer-error-then-silence"] = AuditVerdict.NotApplicable, // did not send an OAUTHBEARER initial response, so the error response was not reached; refused: HandshakeException: None of the mechanisms the server offered (OAUTHBEARER) is registered, allowed and usab...
    };

    private static readonly Dictionary<string, AuditVerdict> PinnedMySql = new(StringComparer.Ordinal)
    {
        ["mysql.control.native"] = AuditVerdict.Pass, // accepted the login
        ["mysql.control.native-tls"] = AuditVerdict.Pass, // accepted the login (over TLS)
        ["mysql.clear-password-plain"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for authentication plugin 'mysql_clear_password', which is no...
        ["mysql.dialog-password-plain"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for authentication plugin 'dialog'...
        ["mysql.dialog-unprompted-plain"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for authentication plugin 'dialog'...
        ["mysql.dialog-prompt-loop"] = AuditVerdict.Pass, // answered 0 dialog questions; refused: HandshakeException: The server asked for a...
        ["mysql.dialog-prompt-oversized"] = AuditVerdict.Pass, // refused: HandshakeException: MySQL packet payload exceeds the limit of 65536 byt...
        ["mysql.unknown-plugin"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for authentication plugin 'handshake_audit_unknown', which is...
        ["mysql.next-factor-unknown"] = AuditVerdict.Pass, // refused: HandshakeException: The server asked for authentication plugin 'handshake_audit_factor', which is ...
        ["mysql.switch-loop"] = AuditVerdict.Pass, // answered 4 auth switches; refused: HandshakeException: The server switched plugins 5 times; at most 4 switc...
        ["mysql.length-16mib"] = AuditVerdict.Pass, // refused: HandshakeException: MySQL packet payload exceeds the limit of 65536 bytes.
        ["mysql.stall-after-greeting"] = AuditVerdict.Pass, // refused: OperationCanceledException: The operation was canceled.
        ["mysql.error-control-chars"] = AuditVerdict.Pass, // refused: HandshakeException: The server rejected authentication (1045): #28000 password authentication fail...
    };

    [Fact]
    public async Task PostgreSqlStartup_AuditScenarios_MatchPinnedVerdicts()
    {
        var outcomes = await RunAsync(AuditProtocol.PostgreSql);

        AuditPins.AssertMatches(PinnedPostgreSql, outcomes, AuditProtocol.PostgreSql);
    }

    [Fact]
    public async Task MySqlClientConnector_AuditScenarios_MatchPinnedVerdicts()
    {
        var outcomes = await RunAsync(AuditProtocol.MySql);

        AuditPins.AssertMatches(PinnedMySql, outcomes, AuditProtocol.MySql);
    }

    private static async Task<IReadOnlyList<AuditOutcome>> RunAsync(AuditProtocol protocol)
    {
        var options = new AuditServerOptions { Deadline = AuditPins.Deadline, Certificate = OurAuditClients.Certificate };
        var outcomes = new List<AuditOutcome>();
        foreach (var scenario in AuditScenarios.For(protocol))
        {
            var finding = protocol == AuditProtocol.PostgreSql
                ? await OurAuditClients.RunPostgreSqlAsync(scenario, options, AuditPins.ClientTimeout)
                : await OurAuditClients.RunMySqlAsync(scenario, options, AuditPins.ClientTimeout);
            outcomes.Add(new AuditOutcome(scenario.Id, finding.Verdict, finding.Explanation));
        }

        return outcomes;
    }
}
