namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// Fetches an access token for a handshake (from an authorization server, a token cache, a workload
/// identity endpoint). The plugin caches what it returns until shortly before
/// <see cref="OAuthBearerToken.ExpiresAt"/> (<see cref="OAuthBearerClientOptions.RefreshBeforeExpiry"/>),
/// calls it again when the server refused the cached token, and never sends an expired token.
/// </summary>
public interface IOAuthBearerTokenProvider
{
    /// <summary>Fetches a token. Runs under the handshake's round and overall deadlines: honour the token.</summary>
    /// <param name="request">Who the token is for, and what the server said about the previous one.</param>
    /// <param name="cancellationToken">Cancelled when the handshake's deadline passes or the caller gives up.</param>
    /// <returns>A fresh token; ownership passes to the plugin.</returns>
    /// <exception cref="HandshakeException">No token can be had (<see cref="AuthErrorCode.KeyUnavailable"/>); any other exception is reported as that code too.</exception>
    ValueTask<OAuthBearerToken> GetTokenAsync(OAuthBearerTokenRequest request, CancellationToken cancellationToken);
}
