using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// mysql_native_password pass-through, as ProxySQL does it: the `mariadb` CLI logs in to our MySQL acceptor,
/// whose stored hash for the account is the one read from the real MariaDB's mysql.user; the verifier recovers
/// SHA1(password), and our MySQL client answers the real MariaDB's scramble with it. The middle never sees the password.
/// </summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class MariaDbCliThroughPassThroughProxyTests(MariaDbServer server)
{
    private const string User = "pt_native";
    private const string Password = "pass-through-native-3";

    [Theory]
    [InlineData(ClientTlsMode.Disable)]
    [InlineData(ClientTlsMode.VerifyFull)]
    public async Task MariaDbCli_ProxyWithRecoveredHash_BackendLoginAsTheAccount(ClientTlsMode backendTls)
    {
        var stored = await CreateBackendUserAsync(Password);
        var proxy = new Proxy(server, backendTls);
        await using var host = new MySqlAcceptorHost(FrontEnd(stored), afterLogin: proxy.LoginToBackendAsync);

        var outcome = await RunCliAsync(host.Port, Password);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var session = Assert.Single(host.Results);
        Assert.True(session.Succeeded);
        Assert.Null(proxy.Failure);
        Assert.Equal($"{User}@127.0.0.1", proxy.BackendCurrentUser);
        Assert.Equal("mysql_native_password", Assert.Single(proxy.Backend!.Factors).PluginName);
        Assert.Equal(backendTls != ClientTlsMode.Disable, proxy.Backend.Transport.IsEncrypted);
        Assert.True(proxy.KeyWasWiped);
        Assert.DoesNotContain(Password, outcome.Combined, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MariaDbCli_BackendHashDiffers_BackendsError1045SurfacesTyped()
    {
        // The front end keeps another password's hash than the backend: the recovered SHA1 answers the wrong account.
        _ = await CreateBackendUserAsync(Password);
        const string FrontPassword = "front-end-only-password";
        var proxy = new Proxy(server, ClientTlsMode.Disable);
        await using var host = new MySqlAcceptorHost(FrontEnd(NativePasswordCredential.FromPassword(FrontPassword).Format()), afterLogin: proxy.LoginToBackendAsync);

        var outcome = await RunCliAsync(host.Port, FrontPassword);

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        var failure = Assert.IsType<HandshakeException>(proxy.Failure);
        Assert.Equal(AuthErrorCode.ServerRejected, failure.Code);
        Assert.Equal("1045", failure.ServerErrorCode);
        Assert.Contains("Access denied", failure.Message, StringComparison.Ordinal);
        Assert.Null(proxy.BackendCurrentUser);
        Assert.True(proxy.KeyWasWiped);
    }

    private async Task<string> CreateBackendUserAsync(string password)
    {
        server.EnsureAvailable();
        _ = await server.ExecuteAsync(
            $"DROP USER IF EXISTS '{User}'@'127.0.0.1';" +
            $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('{password}');");
        var stored = (await server.ExecuteAsync($"SELECT authentication_string FROM mysql.user WHERE User = '{User}' AND Host = '127.0.0.1';")).Trim();

        // Read with the existing stored-form parser: '*' and 40 hex digits of SHA1(SHA1(password)).
        Assert.True(NativePasswordCredential.TryParse(stored, out _), "MariaDB's authentication_string is not a mysql_native_password hash");
        return stored;
    }

    private static ServiceProvider FrontEnd(string storedHash) =>
        new ServiceCollection()
            .AddHandshake()
            .AddNativePasswordVerifier(o => o.RecoverPassThroughKey = true)
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, NativePasswordCredential.Parse(storedHash).ToStoredCredential())))
            .Services.BuildServiceProvider();

    private static Task<ProcessOutcome> RunCliAsync(int port, string password) =>
        ExternalProcess.RunAsync(
            "mariadb",
            ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", port.ToString(CultureInfo.InvariantCulture), "-u", User, "-e", "SELECT 1"],
            new Dictionary<string, string> { ["MYSQL_PWD"] = password },
            timeout: TimeSpan.FromSeconds(30));

    /// <summary>The proxy's part after the front-end login: the backend login with the recovered SHA1(password), then a query there.</summary>
    private sealed class Proxy(MariaDbServer server, ClientTlsMode backendTls)
    {
        public MySqlClientResult? Backend { get; private set; }

        public string? BackendCurrentUser { get; private set; }

        public Exception? Failure { get; private set; }

        public bool KeyWasWiped { get; private set; }

        public async Task LoginToBackendAsync(MySqlServerResult login, CancellationToken cancellationToken)
        {
            var key = login.Authentication!.PassThroughCredential ?? throw new InvalidOperationException("The front end recovered no pass-through key.");
            await using var sp = new ServiceCollection().AddHandshake().AddNativePassword().Services.BuildServiceProvider();
            using var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
                var options = new MySqlClientOptions { TlsMode = backendTls, TargetHost = "localhost" };
                if (backendTls != ClientTlsMode.Disable && server.CaCertificatePath is { } path)
                {
                    options.TrustedRootCertificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
                }

                using (var credentials = new AuthCredentials(login.Authentication.UserName, AuthSecret.FromPassThrough(key)))
                {
                    Backend = await MySqlClientConnector.ConnectAsync(tcp.GetStream(), options, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);
                }

                BackendCurrentUser = await MySqlWire.QueryScalarAsync(Backend.Stream, "SELECT CURRENT_USER()", cancellationToken);
                await Backend.Stream.DisposeAsync();
            }
            catch (HandshakeException ex)
            {
                Failure = ex;
            }
            finally
            {
                key.Dispose();
                KeyWasWiped = key.IsDisposed;
            }
        }
    }
}
