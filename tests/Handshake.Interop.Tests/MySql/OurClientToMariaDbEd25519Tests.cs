using System.Net.Sockets;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.Ed25519;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// OUR MySQL client against a real MariaDB 10.11 user on MariaDB's ed25519 plugin: the server greets
/// with mysql_native_password and switches the client to client_ed25519 with a 32-byte scramble.
/// With Handshake.Plugins.Ed25519 registered the client logs in; without it, it stops with a typed
/// error that names the plugin, never hangs or sends the password some other way.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class OurClientToMariaDbEd25519Tests(MariaDbServer server) : IAsyncLifetime, IDisposable
{
    private const string User = "oc_ed25519";
    private const string Password = "oc-ed-secret";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public async Task InitializeAsync()
    {
        // auth_ed25519 ships with MariaDB as a loadable plugin (ENVIRONMENT.md); load it once per server.
        var loaded = await server.ExecuteAsync("SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519';");
        if (loaded.Trim() == "0")
        {
            await server.ExecuteAsync("INSTALL SONAME 'auth_ed25519';");
        }

        await server.ExecuteAsync(
            $"DROP USER IF EXISTS '{User}'@'127.0.0.1';" +
            $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('{Password}');");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task OurClient_Ed25519Registered_SwitchedToClientEd25519AndLoggedIn()
    {
        var (result, currentUser) = await LoginAndQueryAsync(Password, withEd25519: true);

        Assert.Contains("MariaDB", result.ServerVersion, StringComparison.Ordinal);
        var factor = Assert.Single(result.Authentication.Factors);
        Assert.Equal(Ed25519PluginNames.ClientEd25519, factor.PluginName);
        Assert.Equal(["mysql_native_password", Ed25519PluginNames.ClientEd25519], factor.PluginsTried);
        Assert.Equal($"{User}@127.0.0.1", currentUser);
    }

    [Fact]
    public async Task OurClient_Ed25519StoredKey_IsWhatMariaDbStored()
    {
        // The stored form our verifier keeps is byte for byte the authentication_string MariaDB wrote.
        var stored = await server.ExecuteAsync($"SELECT JSON_VALUE(priv, '$.authentication_string') FROM mysql.global_priv WHERE user = '{User}' AND host = '127.0.0.1';");

        Assert.Equal(Ed25519Credential.FromPassword(Password).Format(), stored.Trim());
    }

    [Fact]
    public async Task OurClient_Ed25519WrongPassword_ServerRejected1045()
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync("not-the-password", withEd25519: true));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1045", ex.ServerErrorCode);
        Assert.Contains("Access denied", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OurClient_SwitchedToEd25519WhichIsNotRegistered_FailsTypedNamingThePlugin()
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync(Password, withEd25519: false));

        Assert.Equal(AuthErrorCode.UnknownPlugin, ex.Code);
        Assert.Contains("client_ed25519", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    private async Task<(MySqlClientResult Result, string CurrentUser)> LoginAndQueryAsync(string password, bool withEd25519)
    {
        server.EnsureAvailable();
        var builder = new ServiceCollection().AddHandshake().AddNativePassword().AddCachingSha2();
        if (withEd25519)
        {
            builder.AddEd25519();
        }

        await using var sp = builder.Services.BuildServiceProvider();
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, _timeout.Token);
        await using var stream = client.GetStream();
        using var credentials = AuthCredentials.FromPasswords(User, password);
        var options = new MySqlClientOptions { TlsMode = ClientTlsMode.Disable };
        var factory = sp.GetRequiredService<IAuthNegotiatorFactory>();
        var result = await MySqlClientConnector.ConnectAsync(stream, options, factory, credentials, _timeout.Token);
        var currentUser = await MySqlWire.QueryScalarAsync(result.Stream, "SELECT CURRENT_USER()", _timeout.Token);
        return (result, currentUser);
    }
}
