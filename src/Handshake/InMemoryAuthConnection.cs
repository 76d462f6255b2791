using System.Threading.Channels;
using Handshake.Internal;

namespace Handshake;

/// <summary>
/// A connection with no network: two bounded channels joining a client transport to a server
/// transport. Each message's bytes are copied on send, as a socket would. Disposing closes both
/// directions, so a peer waiting to receive gets <see cref="ChannelClosedException"/>.
/// </summary>
public sealed class InMemoryAuthConnection : IDisposable
{
    private readonly Channel<AuthEvent> _toClient;
    private readonly Channel<AuthClientMessage> _toServer;

    private InMemoryAuthConnection(TransportSecurity clientSecurity, TransportSecurity serverSecurity, int capacity)
    {
        var options = new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
        _toClient = Channel.CreateBounded<AuthEvent>(options);
        _toServer = Channel.CreateBounded<AuthClientMessage>(options);
        Client = new ClientSide(this, clientSecurity);
        Server = new ServerSide(this, serverSecurity);
    }

    /// <summary>Gets the client's end.</summary>
    public IAuthTransport Client { get; }

    /// <summary>Gets the server's end.</summary>
    public IAcceptorTransport Server { get; }

    /// <summary>Creates a connection.</summary>
    /// <param name="clientSecurity">What the client's end reports (e.g. TLS with a verified certificate); plain when null.</param>
    /// <param name="serverSecurity">What the server's end reports; the client's value when null.</param>
    /// <param name="capacity">Messages each direction buffers before a sender waits.</param>
    /// <returns>The connection.</returns>
    public static InMemoryAuthConnection Create(TransportSecurity? clientSecurity = null, TransportSecurity? serverSecurity = null, int capacity = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var client = clientSecurity ?? TransportSecurity.None;
        return new InMemoryAuthConnection(client, serverSecurity ?? client, capacity);
    }

    /// <summary>Closes both directions.</summary>
    public void Dispose()
    {
        _toClient.Writer.TryComplete();
        _toServer.Writer.TryComplete();
    }

    /// <summary>Closes the client-to-server direction, as a client that hangs up.</summary>
    public void CloseClient() => _toServer.Writer.TryComplete();

    /// <summary>Closes the server-to-client direction, as a server that hangs up.</summary>
    public void CloseServer() => _toClient.Writer.TryComplete();

    private sealed class ClientSide(InMemoryAuthConnection owner, TransportSecurity security) : IAuthTransport
    {
        public TransportSecurity Security { get; } = security;

        public ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken) => owner._toClient.Reader.ReadAsync(cancellationToken);

        public ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken) =>
            owner._toServer.Writer.WriteAsync(message with { Data = message.Data.ToArray() }, cancellationToken);
    }

    private sealed class ServerSide(InMemoryAuthConnection owner, TransportSecurity security) : IAcceptorTransport
    {
        public TransportSecurity Security { get; } = security;

        public ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken) => owner._toServer.Reader.ReadAsync(cancellationToken);

        public ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken) =>
            owner._toClient.Writer.WriteAsync(EventCopy.Of(authEvent), cancellationToken);
    }
}
