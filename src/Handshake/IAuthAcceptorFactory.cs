namespace Handshake;

/// <summary>Creates an acceptor per connection. Registered by <c>AddAcceptor</c>.</summary>
public interface IAuthAcceptorFactory
{
    /// <summary>Creates an acceptor for one handshake.</summary>
    /// <param name="transport">What the connection guarantees (with the server's own certificate, for channel binding); <see cref="TransportSecurity.None"/> when null.</param>
    /// <param name="mode">How the conversation opens.</param>
    /// <param name="properties">Per-connection values for verifiers.</param>
    /// <returns>The acceptor.</returns>
    AuthAcceptor Create(TransportSecurity? transport = null, AcceptorStartMode mode = AcceptorStartMode.Begin, IReadOnlyDictionary<string, object?>? properties = null);
}
