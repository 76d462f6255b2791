using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// Pairing 2: our client, SCRAM-SHA-256-PLUS with channel binding required, against the real
/// PostgreSQL 15 with ssl = on, under sslmode require and verify-full (the server's self-signed
/// certificate, HANDSHAKE_SERVER_CA, trusted through a custom chain), and the refusals: no TLS, an
/// untrusted certificate, a wrong host name.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class OurClientScramPlusToPostgresTests(PostgresServer server)
{
    private const string Role = "hs_pgc_plus";
    private const string Password = "plus\u00ADbound secret";

    [Theory]
    [InlineData(PostgreSqlSslMode.Require)]
    [InlineData(PostgreSqlSslMode.VerifyFull)]
    public async Task AuthenticateAsync_ChannelBindingRequired_UsesScramPlus(PostgreSqlSslMode sslMode)
    {
        await PgRoles.CreateAsync(server, Role, Password);
        var options = OurClientToPostgresTests.Options(sslMode);
        options.RemoteCertificateValidationCallback = TrustServerCa();

        var result = await PgClient.ConnectAsync(server.Host, server.Port, Role, Password, options, ScramChannelBinding.Require);

        Assert.Equal('I', result.TransactionStatus);
        Assert.Equal(Role, result.ServerParameters["session_authorization"]);
        Assert.True(result.Transport.IsEncrypted);
        Assert.Equal(sslMode == PostgreSqlSslMode.VerifyFull, result.Transport.IsCertificateVerified);
        Assert.Equal("SCRAM-SHA-256-PLUS", Assert.Single(result.Authentication.Factors).PluginName);
    }

    [Fact]
    public async Task AuthenticateAsync_ChannelBindingRequiredWithoutTls_ThrowsNoMutualMechanism()
    {
        await PgRoles.CreateAsync(server, Role, Password);

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, Password, OurClientToPostgresTests.Options(PostgreSqlSslMode.Disable), ScramChannelBinding.Require));

        // Without TLS PostgreSQL offers only SCRAM-SHA-256, which ScramChannelBinding.Require ranks out:
        // the client refuses before sending anything rather than fall back to an unbound exchange.
        Assert.Equal(AuthErrorCode.NoMutualMechanism, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_VerifyFullUntrustedCertificate_ThrowsPolicyViolation()
    {
        await PgRoles.CreateAsync(server, Role, Password);

        // No callback: the system trust store does not know the self-signed test certificate.
        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, Password, OurClientToPostgresTests.Options(PostgreSqlSslMode.VerifyFull), ScramChannelBinding.Require));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_VerifyFullWrongHostName_ThrowsPolicyViolation()
    {
        await PgRoles.CreateAsync(server, Role, Password);
        var options = OurClientToPostgresTests.Options(PostgreSqlSslMode.VerifyFull);
        options.TargetHost = "db.example.com";
        options.RemoteCertificateValidationCallback = TrustServerCa();

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, Password, options, ScramChannelBinding.Require));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_ScramPlusWrongPassword_ThrowsServerRejected28P01()
    {
        await PgRoles.CreateAsync(server, Role, Password);
        var options = OurClientToPostgresTests.Options(PostgreSqlSslMode.VerifyFull);
        options.RemoteCertificateValidationCallback = TrustServerCa();

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, "not-the-password", options, ScramChannelBinding.Require));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("28P01", ex.ServerErrorCode);
    }

    /// <summary>
    /// Trusts exactly the certificate tests/run.sh gave the server (a custom root, not the system store),
    /// and still requires the host name to match (only chain errors are re-decided here).
    /// </summary>
    private RemoteCertificateValidationCallback TrustServerCa()
    {
        var path = server.CaCertificatePath ?? throw InteropEnvironment.Missing("The server's CA certificate", "HANDSHAKE_SERVER_CA");
        var pem = File.ReadAllText(path);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var ca = X509Certificate2.CreateFromPem(pem);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}
