using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>
/// PostgreSQL 18's wire form of OAUTHBEARER (its <c>oauth</c> method): AuthenticationSASL offers OAUTHBEARER,
/// SASLInitialResponse carries the RFC 7628 message, the error JSON comes back as AuthenticationSASLContinue,
/// the dummy 0x01 as SASLResponse, then ErrorResponse. Our client adapter against our acceptor adapter over
/// loopback TLS (no PostgreSQL 18 server is installed here).
/// </summary>
public sealed class PostgreSqlOAuthBearerTests
{
    private static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    });

    [Fact]
    public async Task PostgreSql_ValidJwt_LogsInThroughTheSaslMessages()
    {
        var (client, server) = await RunAsync(TestTokens.Create("alice"));

        Assert.Null(client.Error);
        Assert.Equal(OAuthBearerPluginNames.OAuthBearer, client.Result!.Authentication.Factors[0].PluginName);
        Assert.Equal("alice", server.Authentication?.UserName);
    }

    [Fact]
    public async Task PostgreSql_RefusedJwt_ClientGetsTheErrorJsonAsTypedRejection()
    {
        var (client, server) = await RunAsync(TestTokens.Create("alice", key: "stranger"));

        var error = Assert.IsType<OAuthBearerRejectedException>(client.Error);
        Assert.Equal("invalid_token", error.Status);
        Assert.Equal("postgres", error.Scope);
        Assert.Null(server.Authentication);
        // InvalidCredential, not ProtocolViolation: the acceptor received exactly the dummy 0x01 in a SASLResponse.
        Assert.Equal(AuthErrorCode.InvalidCredential, server.FailureReason);
    }

    private static async Task<((PostgreSqlStartupResult? Result, Exception? Error) Client, PostgreSqlAcceptorResult Server)> RunAsync(string token)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddOAuthBearer(o => o.SendAuthorizationIdentity = false) // libpq sends "n,,"
            .AddOAuthBearerVerifier(o => o.Scope = "postgres")
            .AddOAuthBearerJwtValidation(TestTokens.Configure)
            .AddAcceptor(o => { o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer; o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer); })
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString(TestTokens.Issuer))));
        await using var sp = services.BuildServiceProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptTcpClientAsync(timeout.Token).AsTask();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        using var accepted = await accept;
        var serverTask = PostgreSqlAcceptorSession.AcceptAsync(accepted.GetStream(), new PostgreSqlAcceptorOptions { ServerCertificate = Certificate.Value, RequireTls = true, IdleTimeout = TimeSpan.FromSeconds(2) }, sp.GetRequiredService<IAuthAcceptorFactory>(), timeout.Token);

        var options = new PostgreSqlClientOptions
        {
            TlsMode = ClientTlsMode.VerifyFull,
            TargetHost = "localhost",
        };
        options.TrustedRootCertificates.Add(Certificate.Value);
        using var credentials = AuthCredentials.FromPasswords("alice", token);
        (PostgreSqlStartupResult?, Exception?) client;
        try
        {
            var result = await PostgreSqlStartup.ConnectAsync(tcp.GetStream(), options, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, timeout.Token);
            client = (result, null);
            await result.Stream.DisposeAsync();
        }
        catch (HandshakeException ex)
        {
            client = (null, ex);
            tcp.Close();
        }

        return (client, await serverTask);
    }
}
