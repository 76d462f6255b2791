namespace Handshake;

/// <summary>mysql2's deprecated single callback for every auth switch: first call with the plugin name and data, later calls with data only.</summary>
/// <param name="request">The request.</param>
/// <param name="cancellationToken">Cancelled on timeout or when the caller gives up.</param>
/// <returns>The bytes to send.</returns>
public delegate ValueTask<ReadOnlyMemory<byte>> LegacyAuthSwitchHandler(LegacyAuthSwitchRequest request, CancellationToken cancellationToken);
