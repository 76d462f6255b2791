using System.Net.Sockets;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// A real MariaDB switches our client to a plugin it does not have (client_ed25519, MariaDB's
/// ed25519 authentication): the client must stop with a typed error that names the plugin, never hang
/// or send the password some other way.
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
    public async Task OurClient_SwitchedToEd25519WhichIsNotRegistered_FailsTypedNamingThePlugin()
    {
        await using var sp = new ServiceCollection().AddHandshake().AddNativePassword().AddCachingSha2().Services.BuildServiceProvider();
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, _timeout.Token);
        await using var stream = client.GetStream();
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var options = new MySqlClientOptions { UserName = User, SslMode = MySqlSslMode.None };
        var factory = sp.GetRequiredService<IAuthNegotiatorFactory>();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => MySqlClientConnector.AuthenticateAsync(stream, t => factory.Create(credentials, t), options, _timeout.Token));

        Assert.Equal(AuthErrorCode.UnknownPlugin, ex.Code);
        Assert.Contains("client_ed25519", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }
}
