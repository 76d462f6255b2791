using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.NativePassword;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// The `mariadb` command-line client (MariaDB 10.11's libmariadb and its own client_ed25519.so) logs
/// in to OUR MySQL acceptor as a user whose verifier is ed25519, stored as MariaDB stores it.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class MariaDbCliToOurEd25519AcceptorTests
{
    private const string User = "cli_alice";
    private const string Password = "cli-ed-secret-9";

    public MariaDbCliToOurEd25519AcceptorTests(MariaDbServer server)
    {
        // The MariaDB server itself is not needed here, but its presence says tests/run.sh installed the client.
        ArgumentNullException.ThrowIfNull(server);
        server.EnsureAvailable();
    }

    [Fact]
    public async Task MariaDbCli_Ed25519UserAfterNativeGreeting_AcceptorSwitchesAndQuerySucceeds()
    {
        // As a MariaDB server does: the greeting names mysql_native_password, the user is on ed25519,
        // so the acceptor sends AuthSwitchRequest(client_ed25519, 32-byte scramble).
        await using var host = new MySqlAcceptorHost(Services(NativePasswordPlugin.PluginName));
        var outcome = await MariaDbCliToOurAcceptorTests.RunCliAsync(host.Port, Password);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var result = Assert.Single(host.Results);
        Assert.True(result.Succeeded);
        Assert.Equal(User, result.UserName);
        var factor = Assert.Single(result.Result!.Factors);
        Assert.Equal(Ed25519Plugin.PluginName, factor.PluginName);
    }

    [Fact]
    public async Task MariaDbCli_Ed25519AsGreetingPlugin_StopsWith2012BecauseLibMariaDbKeepsOnly20ScrambleBytes()
    {
        // Why client_ed25519 must not be a MySQL acceptor's DefaultPlugin: libmariadb keeps 20 bytes of
        // the greeting's scramble and its client_ed25519 refuses anything but 32 (CR_SERVER_HANDSHAKE_ERR).
        // MariaDB's own server never greets with it either; it switches, as the test above does.
        await using var host = new MySqlAcceptorHost(Services(Ed25519Plugin.PluginName));
        var outcome = await MariaDbCliToOurAcceptorTests.RunCliAsync(host.Port, Password);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("ERROR 2012", outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, outcome.Combined, StringComparison.Ordinal);
        Assert.False(Assert.Single(host.Results).Succeeded);
    }

    [Fact]
    public async Task MariaDbCli_Ed25519WrongPassword_PrintsError1045()
    {
        await using var host = new MySqlAcceptorHost(Services(NativePasswordPlugin.PluginName));
        var outcome = await MariaDbCliToOurAcceptorTests.RunCliAsync(host.Port, "not-the-password");

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains($"ERROR 1045 (28000): Access denied for user '{User}'", outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", outcome.Combined, StringComparison.Ordinal);
        var result = Assert.Single(host.Results);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.FailureReason);
    }

    private static ServiceProvider Services(string defaultPlugin) =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier()
            .AddEd25519Verifier()
            .AddAcceptor(o => o.DefaultPlugin = defaultPlugin)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(Ed25519Plugin.PluginName, Ed25519Credential.FromPassword(Password).ToStoredCredential())))
            .Services.BuildServiceProvider();
}
