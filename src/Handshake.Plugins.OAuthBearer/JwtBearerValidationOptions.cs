using Microsoft.IdentityModel.Tokens;

namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// How <see cref="JwtBearerTokenValidator"/> checks a JWT access token (RFC 7519, RFC 9068): who must have
/// issued it, for which audience, with which keys, and which claim names the user. Named options under the
/// verifier's name (<see cref="OAuthBearerPluginNames.OAuthBearer"/>); the string properties bind from configuration.
/// Validated at start-up: an issuer, an audience and at least one signing key are required.
/// </summary>
public sealed class JwtBearerValidationOptions
{
    /// <summary>Gets or sets the issuer (<c>iss</c>) tokens must carry.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets more accepted issuers, besides <see cref="Issuer"/>.</summary>
    public IList<string> ValidIssuers { get; } = [];

    /// <summary>Gets or sets the audience (<c>aud</c>) tokens must be for: this server's resource identifier.</summary>
    public string? Audience { get; set; }

    /// <summary>Gets more accepted audiences, besides <see cref="Audience"/>.</summary>
    public IList<string> ValidAudiences { get; } = [];

    /// <summary>Gets or sets the issuer's signing keys as a JWK Set document (RFC 7517 §5), e.g. a copy of its <c>jwks_uri</c>.</summary>
    public string? JsonWebKeySet { get; set; }

    /// <summary>Gets public signing keys in PEM (<c>PUBLIC KEY</c>, RSA or EC).</summary>
    public IList<string> SigningKeyPems { get; } = [];

    /// <summary>Gets signing keys given as objects (e.g. from a key vault).</summary>
    public IList<SecurityKey> SigningKeys { get; } = [];

    /// <summary>Gets the accepted signature algorithms (e.g. <c>RS256</c>, <c>ES256</c>, <c>PS256</c>); empty accepts the library's asymmetric defaults. <c>none</c> is never accepted.</summary>
    public IList<string> ValidAlgorithms { get; } = [];

    /// <summary>Gets or sets the claim that names the user. Default <c>sub</c> (RFC 7519 §4.1.2).</summary>
    public string UserClaim { get; set; } = "sub";

    /// <summary>Gets or sets a scope the token must carry in its <c>scope</c> (RFC 8693 §4.2) or <c>scp</c> claim; null requires none. A token without it is refused with <c>insufficient_scope</c>.</summary>
    public string? RequiredScope { get; set; }

    /// <summary>Gets or sets the leeway for clock differences when checking <c>exp</c> and <c>nbf</c>. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
