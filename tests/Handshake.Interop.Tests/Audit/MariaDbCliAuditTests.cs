using Handshake.Audit;

namespace Handshake.Interop.Tests.Audit;

/// <summary>The <c>mariadb</c> command-line client (MariaDB Connector/C) audited through <c>handshake audit mysql --run</c>; the password reaches it through MYSQL_PWD.</summary>
public sealed class MariaDbCliAuditTests
{
    private static readonly Dictionary<string, AuditVerdict> Pinned = new(StringComparer.Ordinal)
    {
        ["mysql.control.native"] = AuditVerdict.Pass, // accepted the login
        ["mysql.control.native-tls"] = AuditVerdict.Pass, // accepted the login (over TLS)
        ["mysql.clear-password-plain"] = AuditVerdict.Fail, // sent the password in clear text over an unencrypted connection; accepted the login
        ["mysql.dialog-password-plain"] = AuditVerdict.Fail, // sent the password in clear text over an unencrypted connection; accepted the log...
        ["mysql.dialog-unprompted-plain"] = AuditVerdict.Fail, // sent the password in clear text over an unencrypted connection; accepted the log...
        ["mysql.dialog-prompt-loop"] = AuditVerdict.Fail, // answered 64 dialog questions; refused: ERROR 1045 (28000): too many dialog quest...
        ["mysql.dialog-prompt-oversized"] = AuditVerdict.Pass, // refused: ERROR 2013 (HY000): Lost connection to server at 'reading authorization...
        ["mysql.unknown-plugin"] = AuditVerdict.Pass, // refused: ERROR 2013 (HY000): Plugin handshake_audit_unknown could not be loaded (after an empty answer)
        ["mysql.next-factor-unknown"] = AuditVerdict.Pass, // refused: ERROR 2013 (HY000): Can't connect to server (11).
        ["mysql.switch-loop"] = AuditVerdict.Fail, // answered 16 auth switches; refused: ERROR 1045 (28000): too many auth switches (the audit server's bound) (...
        ["mysql.length-16mib"] = AuditVerdict.Pass, // refused: ERROR 2013 (HY000): Lost connection to server at 'handshake: reading initial communication packet'...
        ["mysql.stall-after-greeting"] = AuditVerdict.Pass, // refused: ERROR 2013 (HY000): Lost connection to server at 'reading authorization packet', system error: 110
        ["mysql.error-control-chars"] = AuditVerdict.Fail, // refused: ERROR 1045 (28000): password authentication failed\x1b[2J\x1b]0;owned\x07 FATAL: everything is ...
    };

    [Fact]
    public async Task MariaDbCli_AuditScenarios_MatchPinnedVerdicts()
    {
        var outcomes = await AuditPins.RunCliAsync(
            "mysql",
            "if [ {tls} = 1 ]; then s=--ssl; else s=--skip-ssl; fi; mariadb --no-defaults -h 127.0.0.1 -P {port} -u audit --connect-timeout=2 $s -e 'SELECT 1'");

        AuditPins.AssertMatches(Pinned, outcomes, AuditProtocol.MySql);
    }
}
