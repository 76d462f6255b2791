using System.Net.Sockets;
using System.Security.Cryptography;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.OAuthBearer;
using Handshake.Protocols.Sasl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Handshake.Interop.Tests.Sasl;

/// <summary>
/// Our OAUTHBEARER client (RFC 7628) against Dovecot 2.3's OAUTHBEARER with its oauth2 passdb in
/// <c>introspection_mode = local</c>: Dovecot checks the JWT's signature with keys from its own key dict
/// (no introspection server), <c>sub</c> against the authorization identity, <c>exp</c> and <c>iss</c>.
/// The tokens are signed here with the keys tests/run.sh generated; the trust roots are Dovecot's alone.
/// </summary>
[Collection(DovecotServerGroup.Name)]
public sealed class DovecotOAuthBearerTests(DovecotServer dovecot)
{
    private static readonly ECDsa StrangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly Lock KeyGate = new();
    private static ECDsa? issuerKey;

    public enum Protocol
    {
        Imap,
        Smtp,
    }

    public enum Signer
    {
        Es256WithKeyId,
        Hs256Default,
    }

    public static TheoryData<Protocol, SaslTlsStart, Signer> Logins()
    {
        var data = new TheoryData<Protocol, SaslTlsStart, Signer>();
        foreach (var protocol in new[] { Protocol.Imap, Protocol.Smtp })
        {
            foreach (var tls in new[] { SaslTlsStart.StartTls, SaslTlsStart.Implicit })
            {
                data.Add(protocol, tls, Signer.Es256WithKeyId);
            }

            data.Add(protocol, SaslTlsStart.StartTls, Signer.Hs256Default);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Logins))]
    public async Task Authenticate_LocallySignedJwt_DovecotValidatesItAndLogsIn(Protocol protocol, SaslTlsStart tls, Signer signer)
    {
        dovecot.EnsureOAuthAvailable();
        var token = signer == Signer.Es256WithKeyId ? Es256Token(TimeSpan.FromMinutes(10)) : Hs256Token(TimeSpan.FromMinutes(10));

        var result = await LoginAsync(protocol, tls, token);

        Assert.Equal(OAuthBearerPluginNames.OAuthBearer, Assert.Single(result.Authentication.Factors).PluginName);
        Assert.Equal(dovecot.OAuthUser, result.Authentication.UserName);
        Assert.True(result.Transport.IsCertificateVerified);
    }

    public static TheoryData<Protocol, string, string> Refusals() => new()
    {
        { Protocol.Imap, "expired", "Token has expired" },
        { Protocol.Smtp, "expired", "Token has expired" },
        { Protocol.Imap, "wrong signature", "Bad signature" },
        { Protocol.Smtp, "wrong signature", "Bad signature" },
        { Protocol.Imap, "other issuer", "is not allowed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Authenticate_TokenDovecotRefuses_SurfacesDovecotsErrorJsonAfterTheDummyReply(Protocol protocol, string defect, string dovecotReason)
    {
        dovecot.EnsureOAuthAvailable();
        var token = defect switch
        {
            "expired" => Es256Token(TimeSpan.FromMinutes(-5)),
            "wrong signature" => Es256Token(TimeSpan.FromMinutes(10), StrangerKey),
            _ => Es256Token(TimeSpan.FromMinutes(10), issuer: "https://someone-else.interop.test"),
        };
        var logStart = new FileInfo(dovecot.LogPath).Length;

        var error = await Assert.ThrowsAsync<OAuthBearerRejectedException>(() => LoginAsync(protocol, SaslTlsStart.StartTls, token));

        // Dovecot's mech-oauth2 answers a refused token with RFC 7628 §3.2.2's JSON challenge ({"status":"invalid_token"}
        // plus the passdb's openid_configuration_url); our client answered it with the dummy 0x01 (§3.2.3), after
        // which Dovecot failed the exchange with its usual code, which the rejection carries as its cause.
        Assert.Equal(AuthErrorCode.ServerRejected, error.Code);
        Assert.Equal("invalid_token", error.Status);
        Assert.Equal("invalid_token", error.ServerErrorCode);
        Assert.Equal(dovecot.OAuthIssuer + "/.well-known/openid-configuration", error.OpenIdConfiguration);
        Assert.Null(error.Scope);
        var cause = Assert.IsAssignableFrom<HandshakeException>(error.InnerException);
        Assert.Equal(AuthErrorCode.ServerRejected, cause.Code);
        Assert.Equal(protocol == Protocol.Imap ? "AUTHENTICATIONFAILED" : "535 5.7.8", cause.ServerErrorCode);
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);

        // Dovecot's own reason (auth_verbose), so the refusal is the one the test meant.
        var line = await WaitForLogLineAsync(logStart, "oauth2 failed: Local validation failed: ");
        Assert.Contains(dovecotReason, line, StringComparison.Ordinal);
        await ResetPenaltyAsync();
    }

    [Fact]
    public async Task Authenticate_TokenForAnotherSubject_DovecotRefusesTheUserMismatch()
    {
        // The authorization identity (a=) names our user; the token's sub is someone else's.
        dovecot.EnsureOAuthAvailable();
        var token = Es256Token(TimeSpan.FromMinutes(10), subject: "mallory");
        var logStart = new FileInfo(dovecot.LogPath).Length;

        var error = await Assert.ThrowsAsync<OAuthBearerRejectedException>(() => LoginAsync(Protocol.Imap, SaslTlsStart.Implicit, token));

        Assert.Equal("invalid_token", error.Status);
        var line = await WaitForLogLineAsync(logStart, "oauth2 failed: Local validation failed: ");
        Assert.Contains("did not match", line, StringComparison.Ordinal);
        await ResetPenaltyAsync();
    }

    /// <summary>
    /// Dovecot 2.3 delays every new authentication from an address after a failure from it (src/auth/auth-penalty.c:
    /// 2 s doubling to 15 s, per remote IP, so per test run here) and resets that on the next success. A refusal
    /// test ends with a good login, so the Dovecot tests after it do not start 4-15 s late.
    /// </summary>
    private async Task ResetPenaltyAsync() => _ = await LoginAsync(Protocol.Imap, SaslTlsStart.Implicit, Es256Token(TimeSpan.FromMinutes(10)));

    private async Task<SaslClientResult> LoginAsync(Protocol protocol, SaslTlsStart tls, string token)
    {
        var port = (protocol, tls) switch
        {
            (Protocol.Imap, SaslTlsStart.Implicit) => dovecot.ImapsPort,
            (Protocol.Imap, _) => dovecot.ImapPort,
            (Protocol.Smtp, SaslTlsStart.Implicit) => dovecot.SubmissionsPort,
            _ => dovecot.SubmissionPort,
        };
        var services = new ServiceCollection();
        // Rounds may wait out Dovecot's failure penalty (up to 15 s after an earlier failure from 127.0.0.1) plus
        // its 2 s failure delay, so the deadlines are above the engine's default 15 s round.
        services.AddHandshake(o =>
            {
                o.AllowedPlugins.Add(OAuthBearerPluginNames.OAuthBearer);
                o.RoundTimeout = TimeSpan.FromSeconds(40);
                o.HandshakeTimeout = TimeSpan.FromSeconds(50);
            })
            .AddOAuthBearer(o =>
            {
                o.Host = "localhost";
                o.Port = port;
            });
        await using var provider = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords(dovecot.OAuthUser, token);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(dovecot.Host, port);
        var options = new SaslClientOptions { TlsStart = tls, TargetHost = "localhost", Timeout = TimeSpan.FromSeconds(50) };
        options.TrustedRootCertificates.Add(dovecot.Certificate!);
        var factory = provider.GetRequiredService<IAuthNegotiatorFactory>();
        var result = protocol == Protocol.Imap
            ? await ImapClientAuthenticator.ConnectAsync(tcp.GetStream(), options, factory, credentials)
            : await SmtpClientAuthenticator.ConnectAsync(tcp.GetStream(), options, factory, credentials);
        await result.Stream.DisposeAsync();
        return result;
    }

    private string Es256Token(TimeSpan lifetime, ECDsa? key = null, string? issuer = null, string? subject = null)
    {
        // A stranger's key under the same kid: Dovecot finds the key and the signature does not verify.
        var signing = new ECDsaSecurityKey(key ?? IssuerKey()) { KeyId = dovecot.OAuthEs256KeyId };
        return Token(new SigningCredentials(signing, SecurityAlgorithms.EcdsaSha256), lifetime, issuer, subject);
    }

    private string Hs256Token(TimeSpan lifetime)
    {
        // No kid: Dovecot looks the key up at default/HS256/default.
        var secret = File.ReadAllBytes(dovecot.OAuthHs256KeyPath);
        try
        {
            return Token(new SigningCredentials(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256), lifetime, issuer: null, subject: null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The issuer's key tests/run.sh generated, loaded once (the run's keys do not change while it runs).</summary>
    private ECDsa IssuerKey()
    {
        lock (KeyGate)
        {
            if (issuerKey is null)
            {
                var key = ECDsa.Create();
                key.ImportFromPem(File.ReadAllText(dovecot.OAuthEs256KeyPath));
                issuerKey = key;
            }

            return issuerKey;
        }
    }

    private string Token(SigningCredentials signing, TimeSpan lifetime, string? issuer, string? subject)
    {
        // IdentityModel caches a signature provider per key id: the issuer's key and the stranger's share one.
        signing.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        var now = DateTime.UtcNow;
        var start = lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now - TimeSpan.FromSeconds(5);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? dovecot.OAuthIssuer,
            IssuedAt = start,
            NotBefore = start,
            Expires = now + lifetime,
            Claims = new Dictionary<string, object> { ["sub"] = subject ?? dovecot.OAuthUser },
            SigningCredentials = signing,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private async Task<string> WaitForLogLineAsync(long from, string marker)
    {
        // Dovecot writes the line when the passdb lookup ends, before it answers; allow the log writer a moment.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using (var stream = new FileStream(dovecot.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                stream.Seek(from, SeekOrigin.Begin);
                using var reader = new StreamReader(stream);
                var text = await reader.ReadToEndAsync();
                var line = text.Split('\n').FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line;
                }
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"Dovecot logged no '{marker}' line after the refusal ({dovecot.LogPath}).");
    }
}
