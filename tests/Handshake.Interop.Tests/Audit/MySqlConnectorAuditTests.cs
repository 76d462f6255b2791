using Handshake.Audit;
using MySqlConnector;

namespace Handshake.Interop.Tests.Audit;

/// <summary>MySqlConnector (NuGet) audited in process against each scenario's <see cref="AuditServer"/>.</summary>
public sealed class MySqlConnectorAuditTests
{
    private static readonly Dictionary<string, AuditVerdict> Pinned = new(StringComparer.Ordinal)
    {
        ["mysql.control.native"] = AuditVerdict.Pass, // accepted the login
        ["mysql.control.native-tls"] = AuditVerdict.Pass, // accepted the login (over TLS)
        ["mysql.clear-password-plain"] = AuditVerdict.Fail, // sent the password in clear text over an unencrypted connection; accepted the login
        ["mysql.dialog-password-plain"] = AuditVerdict.Pass, // refused: NotSupportedException: Authentication method 'dialog' is not supported.
        ["mysql.dialog-unprompted-plain"] = AuditVerdict.Pass, // refused: NotSupportedException: Authentication method 'dialog' is not supported.
        ["mysql.dialog-prompt-loop"] = AuditVerdict.Pass, // answered 0 dialog questions; refused: NotSupportedException: Authentication meth...
        ["mysql.dialog-prompt-oversized"] = AuditVerdict.Pass, // refused: NotSupportedException: Authentication method 'dialog' is not supported.
        ["mysql.unknown-plugin"] = AuditVerdict.Pass, // refused: NotSupportedException: Authentication method 'handshake_audit_unknown' is not supported.
        ["mysql.next-factor-unknown"] = AuditVerdict.Pass, // refused: FormatException: Expected to read 0x00 or 0xFE but got 0x02
        ["mysql.switch-loop"] = AuditVerdict.Fail, // answered 16 auth switches; refused: MySqlException: too many auth switches (the audit server's bound) (the ...
        ["mysql.length-16mib"] = AuditVerdict.Fail, // refused: MySqlException: Connect Timeout expired. (SocketException: Operation canceled) only after 2.2 s (i...
        ["mysql.stall-after-greeting"] = AuditVerdict.Pass, // refused: MySqlException: Connect Timeout expired. (SocketException: Operation canceled)
        ["mysql.error-control-chars"] = AuditVerdict.Fail, // refused: MySqlException: password authentication failed\x1b[2J\x1b]0;owned\x07 FATAL: everything is fine...
    };

    [Fact]
    public async Task MySqlConnector_AuditScenarios_MatchPinnedVerdicts()
    {
        var outcomes = await AuditPins.RunInProcessAsync(AuditProtocol.MySql, ConnectAsync);

        AuditPins.AssertMatches(Pinned, outcomes, AuditProtocol.MySql);
    }

    private static async Task<Exception?> ConnectAsync(AuditScenario scenario, int port)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = AuditServer.Host,
            Port = (uint)port,
            UserID = AuditServerOptions.DefaultUserName,
            Password = AuditServerOptions.DefaultPassword,
            ConnectionTimeout = (uint)AuditPins.ClientTimeout.TotalSeconds,
            SslMode = scenario.UsesTls ? MySqlSslMode.Required : MySqlSslMode.None,
            Pooling = false,
        };
        try
        {
            using var cts = new CancellationTokenSource(AuditPins.Deadline * 2);
            await using var connection = new MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cts.Token);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex;
        }
    }
}
