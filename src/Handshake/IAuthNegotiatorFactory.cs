namespace Handshake;

/// <summary>Creates a negotiator per connection. Registered by <c>AddHandshake</c>; mock it at the seam in driver tests.</summary>
public interface IAuthNegotiatorFactory
{
    /// <summary>Creates a negotiator for one handshake with credentials held up front. The caller keeps ownership of the credentials.</summary>
    /// <param name="credentials">The user and factor secrets.</param>
    /// <param name="transport">What the connection guarantees; <see cref="TransportSecurity.None"/> when null.</param>
    /// <param name="properties">Per-connection values for plugins.</param>
    /// <returns>The negotiator.</returns>
    AuthNegotiator Create(AuthCredentials credentials, TransportSecurity? transport = null, IReadOnlyDictionary<string, object?>? properties = null);

    /// <summary>Creates a negotiator that fetches credentials when the handshake starts, and disposes them when it ends.</summary>
    /// <param name="credentialProvider">Where the credentials come from.</param>
    /// <param name="transport">What the connection guarantees; <see cref="TransportSecurity.None"/> when null.</param>
    /// <param name="properties">Per-connection values for plugins.</param>
    /// <returns>The negotiator.</returns>
    AuthNegotiator CreateWithProvider(IAuthCredentialProvider credentialProvider, TransportSecurity? transport = null, IReadOnlyDictionary<string, object?>? properties = null);
}
