using System.Globalization;
using System.Net.Sockets;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// OUR MySQL client against the second MariaDB tests/run.sh starts, whose auth_pam has
/// pam_use_cleartext_plugin: it switches PAM users to mysql_clear_password, and the client sends the
/// password NUL-terminated, only over verified TLS.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class OurClientToMariaDbClearPasswordTests(MariaDbServer server) : IAsyncLifetime, IDisposable
{
    private const string User = "oc_pam";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private MariaDbPamService _pam = null!;
    private int _port;
    private string _socket = string.Empty;
    private string _service = string.Empty;

    public async Task InitializeAsync()
    {
        server.EnsureAvailable();
        _pam = MariaDbPamService.Require();
        var port = InteropEnvironment.Get("HANDSHAKE_MARIADB_CLEAR_PORT");
        var socket = InteropEnvironment.Get("HANDSHAKE_MARIADB_CLEAR_SOCKET");
        var service = InteropEnvironment.Get("HANDSHAKE_MARIADB_PAM_PASSWORD_SERVICE");
        if (port is null || socket is null || service is null)
        {
            throw InteropEnvironment.Missing("MariaDB with pam_use_cleartext_plugin", "HANDSHAKE_MARIADB_CLEAR_PORT, HANDSHAKE_MARIADB_CLEAR_SOCKET, HANDSHAKE_MARIADB_PAM_PASSWORD_SERVICE");
        }

        _port = int.Parse(port, CultureInfo.InvariantCulture);
        _socket = socket;
        _service = service;
        var outcome = await ExternalProcess.RunAsync(
            "mariadb",
            ["--no-defaults", "-S", _socket, "-uroot", "-N", "-B"],
            standardInput: $"DROP USER IF EXISTS '{User}'@'127.0.0.1'; CREATE USER '{User}'@'127.0.0.1' IDENTIFIED VIA pam USING '{_service}';");
        Assert.True(outcome.ExitCode == 0, outcome.Combined);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task OurClient_ClearPasswordOverVerifiedTls_LoggedIn()
    {
        using var credentials = AuthCredentials.FromPasswords(User, _pam.Password);

        var (result, currentUser) = await LoginAndQueryAsync(credentials, tls: true);

        var factor = Assert.Single(result.Authentication.Factors);
        Assert.Equal(MariaDbPamPluginNames.ClearPassword, factor.PluginName);
        Assert.Equal(["mysql_native_password", MariaDbPamPluginNames.ClearPassword], factor.PluginsTried);
        Assert.Equal($"{User}@127.0.0.1", currentUser);
    }

    [Fact]
    public async Task OurClient_WrongPassword_ServerRejected1045()
    {
        using var credentials = AuthCredentials.FromPasswords(User, "not-the-password");

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync(credentials, tls: true));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("1045", ex.ServerErrorCode);
    }

    [Fact]
    public async Task OurClient_PlainTcp_RefusesToSendThePassword()
    {
        using var credentials = AuthCredentials.FromPasswords(User, _pam.Password);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => LoginAndQueryAsync(credentials, tls: false));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Equal(MariaDbPamPluginNames.ClearPassword, ex.PluginName);
        Assert.DoesNotContain(_pam.Password, ex.ToString(), StringComparison.Ordinal);
    }

    private async Task<(MySqlClientResult Result, string CurrentUser)> LoginAndQueryAsync(AuthCredentials credentials, bool tls)
    {
        await using var sp = new ServiceCollection().AddHandshake().AddNativePassword().AddClearPassword().Services.BuildServiceProvider();
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, _port, _timeout.Token);
        await using var stream = client.GetStream();
        var options = new MySqlClientOptions { TlsMode = ClientTlsMode.Disable };
        if (tls)
        {
            server.RequireVerifiedTls(options);
        }

        var result = await MySqlClientConnector.ConnectAsync(stream, options, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, _timeout.Token);
        var currentUser = await MySqlWire.QueryScalarAsync(result.Stream, "SELECT CURRENT_USER()", _timeout.Token);
        if (!ReferenceEquals(result.Stream, stream))
        {
            await result.Stream.DisposeAsync();
        }

        return (result, currentUser);
    }
}
