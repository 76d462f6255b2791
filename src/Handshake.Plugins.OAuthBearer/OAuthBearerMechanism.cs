namespace Handshake.Plugins.OAuthBearer;

/// <summary>The limits and error statuses of SASL OAUTHBEARER (RFC 7628); its name is <see cref="OAuthBearerPluginNames.OAuthBearer"/>.</summary>
public static class OAuthBearerMechanism
{
    /// <summary>
    /// The longest client message or server error the plugin and verifier read, in octets. Access tokens
    /// are a few KiB at most; the limit keeps a peer from making either side buffer more.
    /// </summary>
    public const int MaxMessageLength = 16 * 1024;

    /// <summary>The error status for a token that is expired, revoked, malformed or otherwise invalid (RFC 6750 §3.1).</summary>
    public const string InvalidTokenStatus = "invalid_token";

    /// <summary>The error status for a token without the scope the server requires (RFC 6750 §3.1).</summary>
    public const string InsufficientScopeStatus = "insufficient_scope";

    /// <summary>The error status for a malformed request (RFC 6750 §3.1).</summary>
    public const string InvalidRequestStatus = "invalid_request";
}
