namespace Handshake;

/// <summary>The function form of a server verifier's exchange: called once per client message.</summary>
/// <param name="clientData">The client's data.</param>
/// <param name="cancellationToken">Cancelled on timeout or when the caller gives up.</param>
/// <returns>Continue, accept or reject.</returns>
public delegate ValueTask<VerifierStep> VerifierRoundHandler(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken);
