namespace Handshake.Plugins.CachingSha2;

/// <summary>Client options for <c>caching_sha2_password</c>. Validated at start-up.</summary>
/// <remarks>
/// Full authentication needs the password at the server. Over TLS (or a trusted local socket) it
/// travels in the clear inside the tunnel, through the engine's cleartext gate. Over a plain
/// transport it is RSA-OAEP encrypted to the server's public key: a key configured here
/// (<see cref="ServerPublicKeyPem"/>) is safe; a key fetched from the server over the same plain
/// connection is not, since a man in the middle can hand over his own key and decrypt the
/// password. That is why fetching needs the explicit <see cref="AllowPublicKeyRetrieval"/>, as
/// MySqlConnector and Connector/J require.
/// </remarks>
public sealed class CachingSha2Options
{
    /// <summary>Gets or sets the server's RSA public key in PEM (<c>-----BEGIN PUBLIC KEY-----</c>), used for full authentication over a plain transport.</summary>
    public string? ServerPublicKeyPem { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the client may ask the server for its RSA public key
    /// over a plain transport when no <see cref="ServerPublicKeyPem"/> is configured. Default false:
    /// the fetched key is unauthenticated, so a man in the middle can read the password.
    /// </summary>
    public bool AllowPublicKeyRetrieval { get; set; }
}
