using Handshake.Audit;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Audit;

/// <summary>node mysql2 (tests/interop/node-mysql/audit.js) audited through <c>handshake audit mysql --run</c>.</summary>
public sealed class NodeMysql2AuditTests
{
    private static readonly Dictionary<string, AuditVerdict> Pinned = new(StringComparer.Ordinal)
    {
        ["mysql.control.native"] = AuditVerdict.Pass, // accepted the login
        ["mysql.control.native-tls"] = AuditVerdict.Pass, // accepted the login (over TLS)
        ["mysql.clear-password-plain"] = AuditVerdict.Pass, // refused: mysql2: MYSQL_CLEAR_PASSWORD_NOT_ENABLED Server requested authentication using mysql_clear_passwor...
        ["mysql.dialog-password-plain"] = AuditVerdict.Pass, // refused: mysql2: AUTH_SWITCH_PLUGIN_ERROR Server requests authentication using u...
        ["mysql.dialog-unprompted-plain"] = AuditVerdict.Pass, // refused: mysql2: AUTH_SWITCH_PLUGIN_ERROR Server requests authentication using u...
        ["mysql.dialog-prompt-loop"] = AuditVerdict.Pass, // answered 0 dialog questions; refused: mysql2: AUTH_SWITCH_PLUGIN_ERROR Server re...
        ["mysql.dialog-prompt-oversized"] = AuditVerdict.Pass, // refused: mysql2: AUTH_SWITCH_PLUGIN_ERROR Server requests authentication using u...
        ["mysql.unknown-plugin"] = AuditVerdict.Pass, // refused: mysql2: AUTH_SWITCH_PLUGIN_ERROR Server requests authentication using unknown plugin handshake_aud...
        ["mysql.next-factor-unknown"] = AuditVerdict.Pass, // refused: mysql2: AUTH_SWITCH_PLUGIN_ERROR Server requests authentication using unknown plugin handshake_aud...
        ["mysql.switch-loop"] = AuditVerdict.Fail, // answered 16 auth switches; refused: mysql2: ER_ACCESS_DENIED_ERROR too many auth switches (the audit server...
        ["mysql.length-16mib"] = AuditVerdict.Fail, // refused: mysql2: ETIMEDOUT connect ETIMEDOUT only after 2.0 s (it waited for the announced bytes instead of...
        ["mysql.stall-after-greeting"] = AuditVerdict.Pass, // refused: mysql2: ETIMEDOUT connect ETIMEDOUT
        ["mysql.error-control-chars"] = AuditVerdict.Fail, // refused: mysql2: ER_ACCESS_DENIED_ERROR password authentication failed\x1b[2J\x1b]0;owned\x07 FATAL: eve...
    };

    [Fact]
    public async Task NodeMysql2_AuditScenarios_MatchPinnedVerdicts()
    {
        var directory = InteropEnvironment.NodePeerDirectory("node-mysql");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "mysql2")), "node_modules/mysql2 is missing: run the suite with tests/run.sh (it runs npm ci).");

        var outcomes = await AuditPins.RunCliAsync("mysql", $"cd '{directory}' && HANDSHAKE_AUDIT_CLIENT_TIMEOUT_MS=2000 node audit.js");

        AuditPins.AssertMatches(Pinned, outcomes, AuditProtocol.MySql);
    }
}
