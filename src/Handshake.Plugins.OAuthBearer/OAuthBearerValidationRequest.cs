namespace Handshake.Plugins.OAuthBearer;

/// <summary>What a token validator is given: the token (a secret: never log it), and what the client sent with it.</summary>
public sealed class OAuthBearerValidationRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="token">The bearer token (RFC 6750 §2.1 b64token).</param>
    /// <param name="authorizationIdentity">The GS2 authorization identity, or empty.</param>
    /// <param name="host">The client's <c>host</c> value, or null.</param>
    /// <param name="port">The client's <c>port</c> value, or null.</param>
    /// <param name="context">The verifier's context (transport, clock, services).</param>
    public OAuthBearerValidationRequest(string token, string authorizationIdentity, string? host, string? port, VerifierContext context)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(authorizationIdentity);
        ArgumentNullException.ThrowIfNull(context);
        Token = token;
        AuthorizationIdentity = authorizationIdentity;
        Host = host;
        Port = port;
        Context = context;
    }

    /// <summary>Gets the bearer token. It is a secret: never log it or put it in an exception.</summary>
    public string Token { get; }

    /// <summary>Gets the authorization identity the client named (<c>a=</c>), or empty when it named none.</summary>
    public string AuthorizationIdentity { get; }

    /// <summary>Gets the <c>host</c> the client said it connected to, or null.</summary>
    public string? Host { get; }

    /// <summary>Gets the <c>port</c> the client said it connected to, or null.</summary>
    public string? Port { get; }

    /// <summary>Gets the verifier's context: <see cref="VerifierContext.Time"/> is the clock lifetimes are checked against.</summary>
    public VerifierContext Context { get; }

    /// <summary>Never shows the token.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"OAuthBearerValidationRequest(token redacted, authzid '{AuthorizationIdentity}')";
}
