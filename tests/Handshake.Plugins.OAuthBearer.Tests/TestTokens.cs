using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>A local issuer: JWTs signed with a test RSA key (and an ECDSA key, and a stranger's key), as an authorization server would issue them.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "imap://mail.test";

    private static readonly Lazy<RSA> RsaKey = new(() => RSA.Create(2048));
    private static readonly Lazy<ECDsa> EcKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private static readonly Lazy<RSA> StrangerKey = new(() => RSA.Create(2048));

    public static string RsaPublicPem => RsaKey.Value.ExportSubjectPublicKeyInfoPem();

    public static string EcPublicPem => EcKey.Value.ExportSubjectPublicKeyInfoPem();

    public static void Configure(JwtBearerValidationOptions options)
    {
        options.Issuer = Issuer;
        options.Audience = Audience;
        options.SigningKeyPems.Add(RsaPublicPem);
        options.SigningKeyPems.Add(EcPublicPem);
    }

    public static string Create(
        string subject,
        DateTimeOffset? now = null,
        TimeSpan? lifetime = null,
        string issuer = Issuer,
        string audience = Audience,
        string key = "rsa",
        IDictionary<string, object>? claims = null,
        bool withSubject = true)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object>(), StringComparer.Ordinal);
        if (withSubject)
        {
            all["sub"] = subject;
        }

        SigningCredentials credentials = key switch
        {
            "rsa" => new SigningCredentials(new RsaSecurityKey(RsaKey.Value), SecurityAlgorithms.RsaSha256),
            "ec" => new SigningCredentials(new ECDsaSecurityKey(EcKey.Value), SecurityAlgorithms.EcdsaSha256),
            "stranger" => new SigningCredentials(new RsaSecurityKey(StrangerKey.Value), SecurityAlgorithms.RsaSha256),
            _ => throw new ArgumentOutOfRangeException(nameof(key)),
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromMinutes(30)),
            Claims = all,
            SigningCredentials = credentials,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (alg "none", RFC 7519 §6): must never be accepted.</summary>
    public static string Unsigned(string subject)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"{{subject}}","exp":{{exp}}}""");
        return header + "." + payload + ".";
    }
}
