using System.Security.Cryptography.X509Certificates;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Scram;

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
    [InlineData(ClientTlsMode.Require)]
    [InlineData(ClientTlsMode.VerifyFull)]
    public async Task AuthenticateAsync_ChannelBindingRequired_UsesScramPlus(ClientTlsMode sslMode)
    {
        await PgRoles.CreateAsync(server, Role, Password);
        var options = OurClientToPostgresTests.Options(sslMode);
        options.TrustedRootCertificates.Add(ServerCa());

        var result = await PgClient.ConnectAsync(server.Host, server.Port, Role, Password, options, ScramChannelBinding.Require);

        Assert.Equal('I', result.TransactionStatus);
        Assert.Equal(Role, result.ServerParameters["session_authorization"]);
        Assert.True(result.Transport.IsEncrypted);
        Assert.Equal(sslMode == ClientTlsMode.VerifyFull, result.Transport.IsCertificateVerified);
        Assert.Equal("SCRAM-SHA-256-PLUS", Assert.Single(result.Authentication.Factors).PluginName);
    }

    [Fact]
    public async Task AuthenticateAsync_ChannelBindingRequiredWithoutTls_ThrowsNoMutualMechanism()
    {
        await PgRoles.CreateAsync(server, Role, Password);

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, Password, OurClientToPostgresTests.Options(ClientTlsMode.Disable), ScramChannelBinding.Require));

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
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, Password, OurClientToPostgresTests.Options(ClientTlsMode.VerifyFull), ScramChannelBinding.Require));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_VerifyFullWrongHostName_ThrowsPolicyViolation()
    {
        await PgRoles.CreateAsync(server, Role, Password);
        var options = OurClientToPostgresTests.Options(ClientTlsMode.VerifyFull);
        options.TargetHost = "db.example.com";
        options.TrustedRootCertificates.Add(ServerCa());

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, Password, options, ScramChannelBinding.Require));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_ScramPlusWrongPassword_ThrowsServerRejected28P01()
    {
        await PgRoles.CreateAsync(server, Role, Password);
        var options = OurClientToPostgresTests.Options(ClientTlsMode.VerifyFull);
        options.TrustedRootCertificates.Add(ServerCa());

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, "not-the-password", options, ScramChannelBinding.Require));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("28P01", ex.ServerErrorCode);
    }

    /// <summary>
    /// The certificate tests/run.sh gave the server, trusted as the only root (not the system store): the
    /// library checks the chain against it and, under verify-full, the host name, so a pass counts as verified.
    /// </summary>
    private X509Certificate2 ServerCa()
    {
        var path = server.CaCertificatePath ?? throw InteropEnvironment.Missing("The server's CA certificate", "HANDSHAKE_SERVER_CA");
        return X509Certificate2.CreateFromPem(File.ReadAllText(path));
    }
}
