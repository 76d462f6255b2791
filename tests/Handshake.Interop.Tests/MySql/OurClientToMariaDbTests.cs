using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>Pairing 5: OUR MySQL client (MySqlClientConnector over TcpClient) logs in to a real MariaDB 10.11.</summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class OurClientToMariaDbTests : IAsyncLifetime, IDisposable
{
    private const string User = "oc_native";
    private const string Password = "oc-secret-5";
    private readonly MariaDbServer _server;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public OurClientToMariaDbTests(MariaDbServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
    }

    public async Task InitializeAsync() =>
        await _server.ExecuteAsync(
            $"DROP USER IF EXISTS '{User}'@'127.0.0.1';" +
            $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('{Password}');");

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task OurClient_NativePasswordPlain_LoggedInAndQueryRuns()
    {
        var (result, currentUser) = await LoginAndQueryAsync(Password, ClientTlsMode.Disable);

        Assert.Contains("MariaDB", result.ServerVersion, StringComparison.Ordinal);
        Assert.False(result.Transport.IsEncrypted);
        var factor = Assert.Single(result.Authentication.Factors);
        Assert.Equal("mysql_native_password", factor.PluginName);
        Assert.Equal($"{User}@127.0.0.1", currentUser);
    }

    [Fact]
    public async Task OurClient_NativePasswordOverTls_VerifiedAgainstServerCaAndQueryRuns()
    {
        var (result, currentUser) = await LoginAndQueryAsync(Password, ClientTlsMode.VerifyFull);

        Assert.True(result.Transport.IsEncrypted);
        Assert.True(result.Transport.IsCertificateVerified);
        Assert.Equal("mysql_native_password", Assert.Single(result.Authentication.Factors).PluginName);
        Assert.Equal($"{User}@127.0.0.1", currentUser);
    }

    [Theory]
    [InlineData(ClientTlsMode.Disable)]
    [InlineData(ClientTlsMode.VerifyFull)]
    public async Task OurClient_FirstAnswerWithOtherPlugin_MariaDbSwitchesToNativePassword(ClientTlsMode sslMode)
    {
        // The client answers the greeting with caching_sha2_password (as a MySQL 8 client would);
        // the user's plugin is mysql_native_password, so MariaDB sends AuthSwitchRequest (0xFE).
        var (result, currentUser) = await LoginAndQueryAsync(Password, sslMode, firstPlugin: "caching_sha2_password");

        var factor = Assert.Single(result.Authentication.Factors);
        Assert.Equal("mysql_native_password", factor.PluginName);
        Assert.Equal(["caching_sha2_password", "mysql_native_password"], factor.PluginsTried);
        Assert.Equal($"{User}@127.0.0.1", currentUser);
    }

    [Theory]
    [InlineData(ClientTlsMode.Disable)]
    [InlineData(ClientTlsMode.VerifyFull)]
    public async Task OurClient_WrongPassword_ServerRejected1045(ClientTlsMode sslMode)
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync("not-the-password", sslMode));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1045", ex.ServerErrorCode);
        Assert.Contains("28000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Access denied", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", ex.ToString(), StringComparison.Ordinal);
    }

    private async Task<(MySqlClientResult Result, string CurrentUser)> LoginAndQueryAsync(string password, ClientTlsMode sslMode, string? firstPlugin = null)
    {
        _server.EnsureAvailable();
        await using var sp = new ServiceCollection().AddHandshake().AddNativePassword().AddCachingSha2().Services.BuildServiceProvider();
        using var client = new TcpClient();
        await client.ConnectAsync(_server.Host, _server.Port, _timeout.Token);
        await using var stream = client.GetStream();
        using var credentials = AuthCredentials.FromPasswords(User, password);
        var options = new MySqlClientOptions { TlsMode = sslMode, TargetHost = "localhost" };
        if (_server.CaCertificatePath is { } path)
        {
            options.TrustedRootCertificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        if (firstPlugin is not null)
        {
            options.FallbackPlugin = firstPlugin;
            options.RegisteredPlugins.Add(firstPlugin);
        }

        var factory = sp.GetRequiredService<IAuthNegotiatorFactory>();
        var result = await MySqlClientConnector.ConnectAsync(stream, options, factory, credentials, _timeout.Token);
        var currentUser = await MySqlWire.QueryScalarAsync(result.Stream, "SELECT CURRENT_USER()", _timeout.Token);
        if (!ReferenceEquals(result.Stream, stream))
        {
            await result.Stream.DisposeAsync();
        }

        return (result, currentUser);
    }
}
