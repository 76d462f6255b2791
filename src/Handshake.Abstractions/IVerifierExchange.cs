namespace Handshake;

/// <summary>One verifier's side of one factor, on the server. Disposing it wipes what it derived.</summary>
public interface IVerifierExchange : IDisposable
{
    /// <summary>Produces the data the server sends when it names this plugin (a scramble, a challenge), possibly empty.</summary>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The initial data.</returns>
    ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken);

    /// <summary>Processes one client message.</summary>
    /// <param name="clientData">The client's data.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>Continue, accept or reject.</returns>
    ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken);
}
