using Handshake.Interop.Tests.Infrastructure;
using Handshake.MailKit;
using Handshake.Plugins.Scram;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.Sasl;

/// <summary>MailKit's own IMAP and SMTP clients, running our SCRAM through the bridge (derived-key cache on), against a real Dovecot.</summary>
[Collection(DovecotServerGroup.Name)]
public sealed class MailKitBridgeDovecotTests(DovecotServer dovecot)
{
    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    [Fact]
    public async Task MailKitImapWithBridge_ScramSha256TwiceWithKeyCache_LogsInBothTimes()
    {
        dovecot.EnsureAvailable();
        await using var provider = CreateProvider();
        var factory = provider.GetRequiredService<IAuthNegotiatorFactory>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var credentials = AuthCredentials.FromPasswords(dovecot.ScramSha256User, dovecot.Password);
            using var client = new ImapClient { ServerCertificateValidationCallback = TrustDovecot };
            await client.ConnectAsync(dovecot.Host, dovecot.ImapPort, SecureSocketOptions.StartTls);
            using var sasl = new HandshakeSaslMechanism("SCRAM-SHA-256", factory, credentials, VerifiedTls);

            await client.AuthenticateAsync(sasl);

            Assert.True(client.IsAuthenticated);
            Assert.True(sasl.IsAuthenticated);
            Assert.Equal("SCRAM-SHA-256", sasl.Result!.Factors[0].PluginName);
            await client.DisconnectAsync(quit: true);
        }
    }

    [Fact]
    public async Task MailKitSmtpWithBridge_ScramSha256_LogsIn()
    {
        dovecot.EnsureAvailable();
        await using var provider = CreateProvider();
        using var credentials = AuthCredentials.FromPasswords(dovecot.ScramSha256User, dovecot.Password);
        using var client = new SmtpClient { ServerCertificateValidationCallback = TrustDovecot };
        await client.ConnectAsync(dovecot.Host, dovecot.SubmissionsPort, SecureSocketOptions.SslOnConnect);
        using var sasl = new HandshakeSaslMechanism("SCRAM-SHA-256", provider.GetRequiredService<IAuthNegotiatorFactory>(), credentials, VerifiedTls);

        await client.AuthenticateAsync(sasl);

        Assert.True(client.IsAuthenticated);
        Assert.True(sasl.IsAuthenticated);
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKitImapWithBridge_WrongPassword_GetsAuthenticationException()
    {
        dovecot.EnsureAvailable();
        await using var provider = CreateProvider();
        using var credentials = AuthCredentials.FromPasswords(dovecot.ScramSha256User, "not-the-password");
        using var client = new ImapClient { ServerCertificateValidationCallback = TrustDovecot };
        await client.ConnectAsync(dovecot.Host, dovecot.ImapsPort, SecureSocketOptions.SslOnConnect);
        using var sasl = new HandshakeSaslMechanism("SCRAM-SHA-256", provider.GetRequiredService<IAuthNegotiatorFactory>(), credentials, VerifiedTls);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(sasl));
        Assert.False(client.IsAuthenticated);
    }

    private static ServiceProvider CreateProvider()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScram(o => o.UseDerivedKeyCache = true);
        return services.BuildServiceProvider();
    }

    private bool TrustDovecot(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors) =>
        certificate is not null && dovecot.Certificate is not null && certificate.GetCertHashString() == dovecot.Certificate.GetCertHashString();
}
