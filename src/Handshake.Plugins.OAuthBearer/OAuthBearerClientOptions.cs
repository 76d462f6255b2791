namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// Client-side OAUTHBEARER settings. The token comes from <see cref="TokenProvider"/> (or an
/// <see cref="IOAuthBearerTokenProvider"/> in the container); without one, from the factor's secret slot.
/// </summary>
public sealed class OAuthBearerClientOptions
{
    /// <summary>Gets or sets where tokens come from; null to use a registered <see cref="IOAuthBearerTokenProvider"/>, or else the factor's secret.</summary>
    public IOAuthBearerTokenProvider? TokenProvider { get; set; }

    /// <summary>
    /// Gets or sets how long before its expiry a cached token is replaced by a fresh one, so a token
    /// does not expire between the client sending it and the server checking it. Default 60 seconds.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the server's host name, sent as the <c>host</c> key (RFC 7628 §3.1); null omits it.</summary>
    public string? Host { get; set; }

    /// <summary>Gets or sets the server's port, sent as the <c>port</c> key (RFC 7628 §3.1); null omits it.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the user name is sent as the authorization identity
    /// (<c>a=</c> in the GS2 header, RFC 7628 §3.1). Default true, as mail clients do; a server then
    /// checks that the token's subject is that user.
    /// </summary>
    public bool SendAuthorizationIdentity { get; set; } = true;
}
