namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// The server refused the bearer token and said why (RFC 7628 §3.2.2): <see cref="Error"/> carries the
/// status, and the scope and OpenID configuration a client needs to fetch a better token. The code is
/// <see cref="AuthErrorCode.ServerRejected"/> and <see cref="HandshakeException.ServerErrorCode"/> the
/// status (e.g. <c>invalid_token</c>). The token itself is never part of it.
/// </summary>
public sealed class OAuthBearerRejectedException : HandshakeException
{
    /// <summary>Creates an exception for a server error without details.</summary>
    public OAuthBearerRejectedException()
        : this("The server rejected the bearer token.")
    {
    }

    /// <summary>Creates an exception with a message and an <c>invalid_token</c> error.</summary>
    /// <param name="message">A message a person can act on; never a token.</param>
    public OAuthBearerRejectedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with a message, an <c>invalid_token</c> error and a cause.</summary>
    /// <param name="message">A message a person can act on; never a token.</param>
    /// <param name="innerException">The cause, if any.</param>
    public OAuthBearerRejectedException(string message, Exception? innerException)
        : this(new OAuthBearerError(OAuthBearerMechanism.InvalidTokenStatus), message, factorIndex: 0, innerException)
    {
    }

    /// <summary>Creates an exception for the server's error response.</summary>
    /// <param name="error">What the server said.</param>
    /// <param name="message">A message a person can act on; never a token.</param>
    /// <param name="factorIndex">The factor the token was for.</param>
    /// <param name="innerException">The engine's rejection, if any.</param>
    public OAuthBearerRejectedException(OAuthBearerError error, string message, int factorIndex, Exception? innerException = null)
        : base(AuthErrorCode.ServerRejected, message, OAuthBearerPluginNames.OAuthBearer, factorIndex, isFatal: true, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
        ServerErrorCode = error.Status;
    }

    /// <summary>Gets what the server said: status, scope, OpenID configuration URL.</summary>
    public OAuthBearerError Error { get; }

    /// <summary>Gets the status the server sent (RFC 6750 §3.1).</summary>
    public string Status => Error.Status;

    /// <summary>Gets the scope the server requires, or null.</summary>
    public string? Scope => Error.Scope;

    /// <summary>Gets the OpenID Provider Configuration Document URL the server named, or null.</summary>
    public string? OpenIdConfiguration => Error.OpenIdConfiguration;
}
