using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using SslMode = MySqlConnector.MySqlSslMode;

namespace Handshake.Interop.Tests.MySql;

/// <summary>Pairing 10: MySqlConnector (NuGet) logs in to OUR MySQL acceptor.</summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class MySqlConnectorToOurAcceptorTests : IDisposable
{
    private const string User = "mc_alice";
    private const string Password = "mc-secret-10";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public MySqlConnectorToOurAcceptorTests(MariaDbServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.EnsureAvailable();
    }

    [Fact]
    public async Task MySqlConnector_NativePassword_OpensAndPings()
    {
        await using var host = new MySqlAcceptorHost(NativeServices());
        await using (var connection = new MySqlConnection(ConnectionString(host.Port, Password, SslMode.None)))
        {
            await connection.OpenAsync(Timeout());
            Assert.Equal("8.0.36-Handshake", connection.ServerVersion);
            Assert.True(await connection.PingAsync(Timeout()));
        }

        var result = await SingleResultAsync(host);
        Assert.True(result.Succeeded);
        Assert.Equal("mysql_native_password", Assert.Single(result.Authentication!.Factors).PluginName);
    }

    [Fact]
    public async Task MySqlConnector_CachingSha2OverTls_FullPathThenFastPath()
    {
        await using var host = new MySqlAcceptorHost(CachingSha2Services(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance });

        // First login: the verifier's cache is empty, so it answers 0x04 (full authentication) and the
        // client sends the password over TLS. Second login: the cache hit answers 0x03 (fast path).
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var connection = new MySqlConnection(ConnectionString(host.Port, Password, SslMode.Required));
            await connection.OpenAsync(Timeout());
            Assert.True(await connection.PingAsync(Timeout()));
        }

        var results = await ResultsAsync(host, 2);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(results, r => Assert.True(r.Transport.IsEncrypted));
        var full = Assert.Single(results[0].Authentication!.Factors);
        var fast = Assert.Single(results[1].Authentication!.Factors);
        Assert.Equal("caching_sha2_password", full.PluginName);
        Assert.Equal("caching_sha2_password", fast.PluginName);
        Assert.Equal(2, full.Rounds);
        Assert.Equal(1, fast.Rounds);
    }

    [Fact]
    public async Task MySqlConnector_UserOnNativePasswordWhileDefaultIsCachingSha2_AcceptorSwitchesAndLoginSucceeds()
    {
        // The greeting names caching_sha2_password; the user's policy is mysql_native_password, so our
        // acceptor sends AuthSwitchRequest (0xFE) and MySqlConnector must follow it.
        await using var host = new MySqlAcceptorHost(Services("caching_sha2_password", "mysql_native_password"));
        await using (var connection = new MySqlConnection(ConnectionString(host.Port, Password, SslMode.None)))
        {
            await connection.OpenAsync(Timeout());
            Assert.True(await connection.PingAsync(Timeout()));
        }

        var result = await SingleResultAsync(host);
        Assert.True(result.Succeeded);
        Assert.Equal("caching_sha2_password", result.ClientPluginName);
        Assert.Equal("mysql_native_password", Assert.Single(result.Authentication!.Factors).PluginName);
    }

    [Fact]
    public async Task MySqlConnector_PlainClientToTlsCapableAcceptor_LoginSucceedsWithoutTls()
    {
        // CLIENT_SSL is offered but the client answers in the clear: the acceptor starts over for a
        // plain transport (a fresh scramble through a switch) instead of judging it as TLS.
        await using var host = new MySqlAcceptorHost(NativeServices(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance });
        await using (var connection = new MySqlConnection(ConnectionString(host.Port, Password, SslMode.None)))
        {
            await connection.OpenAsync(Timeout());
            Assert.True(await connection.PingAsync(Timeout()));
        }

        var result = await SingleResultAsync(host);
        Assert.True(result.Succeeded);
        Assert.False(result.Transport.IsEncrypted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MySqlConnector_WrongPassword_ThrowsAccessDenied1045(bool cachingSha2OverTls)
    {
        await using var host = cachingSha2OverTls
            ? new MySqlAcceptorHost(CachingSha2Services(), new MySqlServerOptions { ClientHost = "127.0.0.1", ServerCertificate = TestServerCertificate.Instance })
            : new MySqlAcceptorHost(NativeServices());
        await using var connection = new MySqlConnection(ConnectionString(host.Port, "wrong-password", cachingSha2OverTls ? SslMode.Required : SslMode.None));

        var ex = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync(Timeout()));

        Assert.Equal(MySqlErrorCode.AccessDenied, ex.ErrorCode);
        Assert.Equal(1045, ex.Number);
        Assert.Equal("28000", ex.SqlState);
        Assert.DoesNotContain("wrong-password", ex.Message, StringComparison.Ordinal);
        Assert.False((await SingleResultAsync(host)).Succeeded);
    }

    public void Dispose() => _timeout.Dispose();

    private CancellationToken Timeout() => _timeout.Token;

    private static string ConnectionString(int port, string password, SslMode sslMode) => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)port,
        UserID = User,
        Password = password,
        SslMode = sslMode,
        Pooling = false,
        ConnectionTimeout = 15,
    }.ConnectionString;

    private static async Task<MySqlServerResult> SingleResultAsync(MySqlAcceptorHost host) => Assert.Single(await ResultsAsync(host, 1));

    /// <summary>Our side records the outcome just after it writes OK/ERR: wait (bounded) until the client's view and ours agree.</summary>
    private static async Task<MySqlServerResult[]> ResultsAsync(MySqlAcceptorHost host, int count)
    {
        for (var i = 0; i < 200 && host.Results.Count < count; i++)
        {
            await Task.Delay(25);
        }

        return [.. host.Results];
    }

    private static ServiceProvider Services(string defaultPlugin, string userPlugin) =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier()
            .AddCachingSha2Verifier()
            .AddAcceptor(o => o.DefaultPlugin = defaultPlugin)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(
                userPlugin,
                userPlugin == "mysql_native_password" ? NativePasswordCredential.FromPassword(Password).ToStoredCredential() : CachingSha2Credential.FromPassword(Password).ToStoredCredential())))
            .Services.BuildServiceProvider();

    private static ServiceProvider NativeServices() =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "mysql_native_password")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("mysql_native_password", NativePasswordCredential.FromPassword(Password).ToStoredCredential())))
            .Services.BuildServiceProvider();

    private static ServiceProvider CachingSha2Services() =>
        new ServiceCollection()
            .AddHandshake()
            .AddCachingSha2Verifier()
            .AddAcceptor(o => o.DefaultPlugin = "caching_sha2_password")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("caching_sha2_password", CachingSha2Credential.FromPassword(Password).ToStoredCredential())))
            .Services.BuildServiceProvider();
}
