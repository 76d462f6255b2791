using System.Globalization;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Mfa;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// The `mariadb` command-line client logs in to OUR MySQL acceptor's dialog verifier, as it would to a
/// MariaDB user on PAM: the acceptor greets with mysql_native_password, switches the CLI to dialog and
/// asks "Password: " and then the TOTP verifier's "Enter the 6-digit code for cli_pam: ". The CLI asks on
/// its terminal, so expect answers through a pty; the answers reach expect by environment, never argv.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class MariaDbCliDialogToOurAcceptorTests
{
    private const string User = "cli_pam";
    private const string Password = "cli-pam-secret-3";
    private static readonly byte[] TotpKey = "handshake-cli-dialog"u8.ToArray();

    public MariaDbCliDialogToOurAcceptorTests(MariaDbServer server)
    {
        // The MariaDB server itself is not needed here, but its presence says tests/run.sh installed the client.
        ArgumentNullException.ThrowIfNull(server);
        server.EnsureAvailable();
    }

    [Fact]
    public async Task MariaDbCli_PasswordThenCodeOverTls_QuerySucceeds()
    {
        await using var host = new MySqlAcceptorHost(Services(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance });

        var outcome = await RunCliThroughExpectAsync(host.Port, Password, CurrentCode());

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        Assert.Contains("Password: ", outcome.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Enter the 6-digit code for {User}: ", outcome.StandardOutput, StringComparison.Ordinal);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.True(result.Transport.IsEncrypted);
        Assert.Equal(User, result.UserName);
        Assert.Equal(MariaDbPamPluginNames.Dialog, Assert.Single(result.Authentication!.Factors).PluginName);
    }

    [Fact]
    public async Task MariaDbCli_WrongCode_PrintsError1045()
    {
        await using var host = new MySqlAcceptorHost(Services(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance });
        var wrong = ((int.Parse(CurrentCode(), CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

        var outcome = await RunCliThroughExpectAsync(host.Port, Password, wrong);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains($"ERROR 1045 (28000): Access denied for user '{User}'", outcome.StandardOutput, StringComparison.Ordinal);
        var result = Assert.Single(host.Results);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.FailureReason);
    }

    private static string CurrentCode() => Totp.ComputeCode(TotpKey, TimeProvider.System, TotpParameters.Default);

    private static async Task<ProcessOutcome> RunCliThroughExpectAsync(int port, string password, string code)
    {
        // The CLI prompts with its own prefix ("[mariadb] Password: "): match the end of each question.
        var script = Path.Combine(Path.GetTempPath(), $"handshake-dialog-{Guid.NewGuid():N}.exp");
        await File.WriteAllTextAsync(script, $$"""
            set timeout 20
            spawn mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P {{port.ToString(CultureInfo.InvariantCulture)}} -u {{User}} --ssl -e "SELECT 1"
            expect {
              "Password: " { send -- "$env(HS_DIALOG_PASSWORD)\r" }
              timeout { exit 90 }
            }
            expect {
              "code for {{User}}: " { send -- "$env(HS_DIALOG_CODE)\r" }
              timeout { exit 91 }
            }
            expect eof
            catch wait result
            exit [lindex $result 3]
            """);
        try
        {
            return await ExternalProcess.RunAsync(
                "expect",
                [script],
                new Dictionary<string, string> { ["HS_DIALOG_PASSWORD"] = password, ["HS_DIALOG_CODE"] = code },
                timeout: TimeSpan.FromSeconds(45));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static ServiceProvider Services() =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier()
            .AddScramVerifier()
            .AddTotpVerifier()
            .AddDialogVerifier(o =>
            {
                o.Questions.Add(DialogQuestion.Password("password", "Password: ", "SCRAM-SHA-256"));
                o.Questions.Add(DialogQuestion.Verifier("code", TotpPluginNames.Totp));
            })
            .AddAcceptor(o => o.DefaultPlugin = "mysql_native_password")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(
                MariaDbPamPluginNames.Dialog,
                DialogCredential.Create(
                    ("password", ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential()),
                    ("code", StoredCredential.FromString(Base32.Encode(TotpKey)))).ToStoredCredential())))
            .Services.BuildServiceProvider();
}
