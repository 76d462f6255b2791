using System.Globalization;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>Pairing 6: the `mariadb` command-line client (MariaDB 10.11's libmariadb) logs in to OUR MySQL acceptor.</summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class MariaDbCliToOurAcceptorTests
{
    private const string User = "cli_alice";
    private const string Password = "cli-secret-7";
    private const string Ed25519Password = "cli-ed-secret-9";

    public MariaDbCliToOurAcceptorTests(MariaDbServer server)
    {
        // The MariaDB server itself is not needed here, but its presence says tests/run.sh installed the client.
        ArgumentNullException.ThrowIfNull(server);
        server.EnsureAvailable();
    }

    [Fact]
    public async Task MariaDbCli_NativePassword_QuerySucceeds()
    {
        await using var host = new MySqlAcceptorHost(Services());
        var outcome = await RunCliAsync(host.Port, Password);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.Equal(User, result.UserName);
        Assert.Equal("mysql_native_password", result.ClientPluginName);
        Assert.False(result.Transport.IsEncrypted);
    }

    [Fact]
    public async Task MariaDbCli_NativePasswordWithSsl_QuerySucceedsOverTls()
    {
        await using var host = new MySqlAcceptorHost(Services(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance });
        var outcome = await RunCliAsync(host.Port, Password, "--ssl");

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.True(result.Transport.IsEncrypted);
    }

    [Fact]
    public async Task MariaDbCli_WithoutSslToTlsCapableAcceptor_QuerySucceedsInTheClear()
    {
        await using var host = new MySqlAcceptorHost(Services(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance });
        var outcome = await RunCliAsync(host.Port, Password, "--skip-ssl");

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.False(result.Transport.IsEncrypted);
    }

    [Fact]
    public async Task MariaDbCli_DefaultPluginDiffersFromUsers_AcceptorSwitchesAndQuerySucceeds()
    {
        // The greeting names caching_sha2_password; the user is on mysql_native_password: AuthSwitchRequest.
        await using var host = new MySqlAcceptorHost(Services("caching_sha2_password"));
        var outcome = await RunCliAsync(host.Port, Password);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.Equal("mysql_native_password", Assert.Single(result.Authentication!.Factors).PluginName);
    }

    [Theory]
    [InlineData("mysql_native_password")]
    [InlineData(Ed25519PluginNames.ClientEd25519)]
    public async Task MariaDbCli_WrongPassword_PrintsError1045(string userPlugin)
    {
        await using var host = new MySqlAcceptorHost(userPlugin == Ed25519PluginNames.ClientEd25519 ? Ed25519Services("mysql_native_password") : Services());
        var outcome = await RunCliAsync(host.Port, "not-the-password");

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains($"ERROR 1045 (28000): Access denied for user '{User}'", outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", outcome.Combined, StringComparison.Ordinal);
        var result = Assert.Single(host.Results);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.FailureReason);
    }

    [Fact]
    public async Task MariaDbCli_Ed25519UserAfterNativeGreeting_AcceptorSwitchesAndQuerySucceeds()
    {
        // As a MariaDB server does: the greeting names mysql_native_password, the user is on ed25519,
        // so the acceptor sends AuthSwitchRequest(client_ed25519, 32-byte scramble) and the CLI answers
        // with libmariadb's own client_ed25519.so.
        await using var host = new MySqlAcceptorHost(Ed25519Services("mysql_native_password"));
        var outcome = await RunCliAsync(host.Port, Ed25519Password);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.Equal(User, result.UserName);
        Assert.Equal(Ed25519PluginNames.ClientEd25519, Assert.Single(result.Authentication!.Factors).PluginName);
    }

    [Fact]
    public async Task MariaDbCli_Ed25519AsGreetingPlugin_LogsInBecauseTheGreetingCarriesExactlyTheNonce()
    {
        // libmariadb takes as many scramble bytes as the greeting's auth-plugin-data length says, and its
        // client_ed25519 accepts exactly 32. The adapter announces the verifier's data as it is (the NUL that
        // mysql_native_password adds is that plugin's own), so the 32-byte nonce arrives whole. (When the
        // adapter still appended a NUL for every plugin, the length said 33 and the CLI stopped with ERROR 2012.)
        await using var host = new MySqlAcceptorHost(Ed25519Services(Ed25519PluginNames.ClientEd25519));
        var outcome = await RunCliAsync(host.Port, Ed25519Password);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        Assert.DoesNotContain(Ed25519Password, outcome.Combined, StringComparison.Ordinal);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.Equal(Ed25519PluginNames.ClientEd25519, Assert.Single(result.Authentication!.Factors).PluginName);
    }

    internal static Task<ProcessOutcome> RunCliAsync(int port, string password, params string[] extra)
    {
        // The password travels by environment (MYSQL_PWD), never on the command line.
        string[] arguments = ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", port.ToString(CultureInfo.InvariantCulture), "-u", User, .. extra, "-e", "SELECT 1"];
        return ExternalProcess.RunAsync("mariadb", arguments, new Dictionary<string, string> { ["MYSQL_PWD"] = password }, timeout: TimeSpan.FromSeconds(30));
    }

    private static ServiceProvider Services(string defaultPlugin = "mysql_native_password", AuthFactorPolicy? policy = null) =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier()
            .AddCachingSha2Verifier()
            .AddEd25519Verifier()
            .AddAcceptor(o => o.DefaultPlugin = defaultPlugin)
            .AddInMemoryCredentialStore(s => s.AddUser(User, policy ?? new AuthFactorPolicy("mysql_native_password", NativePasswordCredential.FromPassword(Password).ToStoredCredential())))
            .Services.BuildServiceProvider();

    private static ServiceProvider Ed25519Services(string defaultPlugin) =>
        Services(defaultPlugin, new AuthFactorPolicy(Ed25519PluginNames.ClientEd25519, Ed25519Credential.FromPassword(Ed25519Password).ToStoredCredential()));
}
