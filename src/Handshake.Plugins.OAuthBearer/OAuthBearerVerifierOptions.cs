namespace Handshake.Plugins.OAuthBearer;

/// <summary>Server-side OAUTHBEARER settings (named options, under the verifier's name). Validated at start-up.</summary>
public sealed class OAuthBearerVerifierOptions
{
    /// <summary>Gets or sets the scope a client is told to ask for in the error response (RFC 7628 §3.2.2), or null.</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// Gets or sets the URL of the OpenID Provider Configuration Document sent in the error response
    /// (RFC 7628 §3.2.2), from which a client learns where to get a token; null omits it.
    /// </summary>
    public string? OpenIdConfiguration { get; set; }

    /// <summary>Gets or sets the validator; null to use the <see cref="IOAuthBearerTokenValidator"/> in the container (e.g. <c>AddOAuthBearerJwtValidation</c>).</summary>
    public IOAuthBearerTokenValidator? TokenValidator { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the verifier is offered and run over a transport without
    /// TLS (not trusted local). Default false: a bearer token is replayable by anyone who reads it
    /// (RFC 6750 §5.3, RFC 7628 §5), so a server never invites one in the clear.
    /// </summary>
    public bool AllowInsecureTransport { get; set; }
}
