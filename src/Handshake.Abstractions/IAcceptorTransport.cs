namespace Handshake;

/// <summary>The server's view of a connection during authentication (the mirror of <see cref="IAuthTransport"/>).</summary>
public interface IAcceptorTransport
{
    /// <summary>Gets what the transport guarantees (on the server side, its own certificate).</summary>
    TransportSecurity Security { get; }

    /// <summary>Receives the client's next step.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The message.</returns>
    ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Sends a server step. The transport copies what it keeps.</summary>
    /// <param name="authEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the event is handed off.</returns>
    ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken);
}
