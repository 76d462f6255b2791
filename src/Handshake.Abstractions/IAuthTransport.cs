namespace Handshake;

/// <summary>
/// The client's view of a connection during authentication, for drivers that prefer handing the
/// negotiator a transport (<c>RunAsync</c>) over feeding it events.
/// </summary>
public interface IAuthTransport
{
    /// <summary>Gets what the transport guarantees.</summary>
    TransportSecurity Security { get; }

    /// <summary>Receives the server's next step.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event.</returns>
    ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Sends a client step. The transport copies what it keeps: the data is valid only during the call.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message is handed off.</returns>
    ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken);
}
