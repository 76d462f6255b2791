namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// An access token and when it expires, as a token provider returns it. The token is held as an
/// <see cref="AuthSecret"/> (pinned, wiped on <see cref="Dispose"/>, never printed); the plugin owns the
/// instance once the provider returns it.
/// </summary>
public sealed class OAuthBearerToken : IDisposable
{
    /// <summary>Creates a token.</summary>
    /// <param name="value">The token (RFC 6750 §2.1 b64token); ownership passes to this instance.</param>
    /// <param name="expiresAt">When it stops being valid; the plugin never sends it at or after this instant.</param>
    public OAuthBearerToken(AuthSecret value, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the token.</summary>
    public AuthSecret Value { get; }

    /// <summary>Gets when the token expires.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Creates a token from text (convenient for providers that get a string from an HTTP response).</summary>
    /// <param name="token">The token.</param>
    /// <param name="expiresAt">When it expires.</param>
    /// <returns>The token.</returns>
    public static OAuthBearerToken FromString(string token, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return new OAuthBearerToken(AuthSecret.FromPassword(token), expiresAt);
    }

    /// <summary>Wipes the token.</summary>
    public void Dispose() => Value.Dispose();

    /// <summary>Shows the expiry, never the token.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"OAuthBearerToken(redacted, expires {ExpiresAt:O})";
}
