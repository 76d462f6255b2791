using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.OAuthBearer;
using Handshake.Protocols.Sasl;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Handshake.Interop.Tests.Sasl;

/// <summary>
/// MailKit 4.18's SaslMechanismOAuthBearer (RFC 7628, a real client) against our IMAP and SMTP acceptors
/// on 127.0.0.1, with JWTs signed by a locally generated ECDSA P-256 issuer key.
/// </summary>
public sealed class MailKitOAuthBearerTests : IAsyncLifetime
{
    private const string User = "mailkit-oauth-user";
    private const string Issuer = "https://issuer.interop.test";
    private const string Audience = "mail.interop.test";
    private static readonly ECDsa IssuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa StrangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private ServiceProvider _services = null!;

    public enum Protocol
    {
        Imap,
        Smtp,
    }

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddOAuthBearerVerifier(o => { o.Scope = "mail"; o.OpenIdConfiguration = Issuer + "/.well-known/openid-configuration"; })
            .AddOAuthBearerJwtValidation(o =>
            {
                o.Issuer = Issuer;
                o.Audience = Audience;
                o.SigningKeyPems.Add(IssuerKey.ExportSubjectPublicKeyInfoPem());
                o.ValidAlgorithms.Add(SecurityAlgorithms.EcdsaSha256);
            })
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer;
                o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer);
            })
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString(Issuer))));
        _services = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Theory]
    [InlineData(Protocol.Imap, SaslTlsStart.StartTls)]
    [InlineData(Protocol.Imap, SaslTlsStart.Implicit)]
    [InlineData(Protocol.Smtp, SaslTlsStart.StartTls)]
    [InlineData(Protocol.Smtp, SaslTlsStart.Implicit)]
    public async Task MailKit_OAuthBearerWithLocallySignedJwt_LogsIn(Protocol protocol, SaslTlsStart tls)
    {
        var outcome = await RunAsync(protocol, tls, Token(IssuerKey, TimeSpan.FromMinutes(10)));

        Assert.Null(outcome.ClientError);
        Assert.NotNull(outcome.Server.Authentication);
        Assert.Equal(User, outcome.Server.Authentication.UserName);
        Assert.Equal(OAuthBearerPluginNames.OAuthBearer, Assert.Single(outcome.Server.Authentication.Factors[0].PluginsTried));
    }

    [Theory]
    [InlineData(Protocol.Imap, "+ ")]
    [InlineData(Protocol.Smtp, "334 ")]
    public async Task MailKit_TokenFromAnotherIssuer_GetsAuthFailureAfterOurErrorJsonAndItsDummyReply(Protocol protocol, string challengePrefix)
    {
        ArgumentNullException.ThrowIfNull(challengePrefix);
        var outcome = await RunAsync(protocol, SaslTlsStart.Implicit, Token(StrangerKey, TimeSpan.FromMinutes(10)));

        Assert.IsType<AuthenticationException>(outcome.ClientError);
        Assert.Null(outcome.Server.Authentication);
        Assert.Equal(AuthErrorCode.InvalidCredential, outcome.Server.FailureReason);

        // Our server sent RFC 7628 §3.2.2's error JSON as a challenge. MailKit answered it with the dummy 0x01
        // (§3.2.3): the verifier records InvalidCredential only for exactly that answer (anything else is a ProtocolViolation).
        var conversation = outcome.Conversation;
        var at = conversation.IndexOf("S: " + challengePrefix + "eyJ", StringComparison.Ordinal);
        Assert.True(at >= 0, "the server sent no error challenge");
        var line = conversation[(at + 3 + challengePrefix.Length)..].Split('\n')[0].TrimEnd('\r');
        Assert.True(OAuthBearerError.TryParse(Convert.FromBase64String(line), out var error));
        Assert.Equal("invalid_token", error.Status);
        Assert.Equal("mail", error.Scope);
        Assert.Equal(Issuer + "/.well-known/openid-configuration", error.OpenIdConfiguration);
    }

    [Fact]
    public async Task MailKit_ExpiredToken_IsRefused()
    {
        var outcome = await RunAsync(Protocol.Imap, SaslTlsStart.StartTls, Token(IssuerKey, TimeSpan.FromMinutes(-5)));

        Assert.IsType<AuthenticationException>(outcome.ClientError);
        Assert.Null(outcome.Server.Authentication);
        Assert.Equal(AuthErrorCode.InvalidCredential, outcome.Server.FailureReason);
    }

    [Theory]
    [InlineData(Protocol.Imap)]
    [InlineData(Protocol.Smtp)]
    public async Task MailKit_PlainText_OAuthBearerIsNotOffered(Protocol protocol)
    {
        // A bearer token is replayable: without TLS the server does not advertise the mechanism at all.
        var outcome = await RunAsync(protocol, null, Token(IssuerKey, TimeSpan.FromMinutes(10)));

        Assert.NotNull(outcome.ClientError);
        Assert.Null(outcome.Server.Authentication);
        Assert.DoesNotContain(OAuthBearerPluginNames.OAuthBearer, outcome.Mechanisms);
    }

    private static string Token(ECDsa key, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now,
            NotBefore = lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now,
            Expires = now + lifetime,
            Claims = new Dictionary<string, object> { ["sub"] = User, ["scope"] = "mail" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private async Task<Outcome> RunAsync(Protocol protocol, SaslTlsStart? tls, string token)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = new SaslAcceptorOptions { TlsStart = tls ?? SaslTlsStart.StartTls, ServerCertificate = tls is null ? null : TestServerCertificate.Instance, IdleTimeout = TimeSpan.FromSeconds(5) };
        var server = Task.Run(
            async () =>
            {
                using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
                var factory = _services.GetRequiredService<IAuthAcceptorFactory>();
                return protocol == Protocol.Imap
                    ? await ImapAcceptorSession.AcceptAsync(accepted.GetStream(), options, factory, timeout.Token)
                    : await SmtpAcceptorSession.AcceptAsync(accepted.GetStream(), options, factory, timeout.Token);
            },
            timeout.Token);

        var secure = tls switch
        {
            SaslTlsStart.StartTls => SecureSocketOptions.StartTls,
            SaslTlsStart.Implicit => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        };
        Exception? error = null;
        // MailKit's protocol log: the plaintext conversation above TLS, as the client saw it (it redacts the client's secrets).
        using var log = new MemoryStream();
        var mechanisms = new List<string>();
        try
        {
            var mechanism = new SaslMechanismOAuthBearer(User, token);
            if (protocol == Protocol.Imap)
            {
                using var logger = new ProtocolLogger(log, leaveOpen: true);
                using var client = new ImapClient(logger) { ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == TestServerCertificate.Instance.GetCertHashString() };
                await client.ConnectAsync("127.0.0.1", port, secure, timeout.Token);
                mechanisms.AddRange(client.AuthenticationMechanisms);
                await client.AuthenticateAsync(mechanism, timeout.Token);
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
            else
            {
                using var logger = new ProtocolLogger(log, leaveOpen: true);
                using var client = new SmtpClient(logger) { ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == TestServerCertificate.Instance.GetCertHashString() };
                await client.ConnectAsync("127.0.0.1", port, secure, timeout.Token);
                mechanisms.AddRange(client.AuthenticationMechanisms);
                await client.AuthenticateAsync(mechanism, timeout.Token);
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is AuthenticationException or NotSupportedException or InvalidOperationException)
        {
            error = ex;
        }

        var result = await server;
        return new Outcome(error, result, Encoding.UTF8.GetString(log.ToArray()), mechanisms);
    }

    private sealed record Outcome(Exception? ClientError, SaslAcceptorResult Server, string Conversation, IReadOnlyList<string> Mechanisms);
}
