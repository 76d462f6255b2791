namespace Handshake;

/// <summary>
/// The function form of a client plugin's exchange (mysql2's <c>authPlugins</c> shape): called once
/// per round with the server's data, it returns the bytes to send.
/// </summary>
/// <param name="serverData">The server's data for this round.</param>
/// <param name="cancellationToken">Cancelled on timeout or when the caller gives up.</param>
/// <returns>The bytes to send.</returns>
public delegate ValueTask<ReadOnlyMemory<byte>> AuthRoundHandler(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken);
