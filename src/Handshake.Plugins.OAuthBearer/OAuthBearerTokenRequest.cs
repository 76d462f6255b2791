namespace Handshake.Plugins.OAuthBearer;

/// <summary>What a token provider is asked for.</summary>
public sealed class OAuthBearerTokenRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="userName">The user the handshake authenticates.</param>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <param name="host">The server's host name, when configured.</param>
    /// <param name="port">The server's port, when configured.</param>
    /// <param name="previousError">What the server said when it refused this user's previous token, or null.</param>
    public OAuthBearerTokenRequest(string userName, int factorIndex, string? host, int? port, OAuthBearerError? previousError)
    {
        ArgumentNullException.ThrowIfNull(userName);
        UserName = userName;
        FactorIndex = factorIndex;
        Host = host;
        Port = port;
        PreviousError = previousError;
    }

    /// <summary>Gets the user the handshake authenticates.</summary>
    public string UserName { get; }

    /// <summary>Gets the factor, 1 to 3.</summary>
    public int FactorIndex { get; }

    /// <summary>Gets the server's host name, when configured (<see cref="OAuthBearerClientOptions.Host"/>).</summary>
    public string? Host { get; }

    /// <summary>Gets the server's port, when configured (<see cref="OAuthBearerClientOptions.Port"/>).</summary>
    public int? Port { get; }

    /// <summary>
    /// Gets what the server said when it refused this user's previous token (its scope and OpenID
    /// configuration), or null: a provider asked again after a refusal should not return the same token.
    /// </summary>
    public OAuthBearerError? PreviousError { get; }
}
