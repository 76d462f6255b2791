namespace Handshake;

/// <summary>
/// One plugin's side of one handshake factor, on the client: called once per round with the
/// server's data. Disposing it wipes every secret it derived.
/// </summary>
public interface IAuthExchange : IDisposable
{
    /// <summary>Answers one round.</summary>
    /// <param name="serverData">The server's data for this round (the first round gets the data sent with the plugin's name, possibly empty).</param>
    /// <param name="cancellationToken">Cancelled when the round times out or the caller gives up.</param>
    /// <returns>What to send, or <see cref="AuthReply.None"/>.</returns>
    /// <exception cref="HandshakeException">The server's data is invalid or the exchange cannot continue.</exception>
    ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken);

    /// <summary>
    /// Called when the server declares this factor passed (a final OK, or a request for the next
    /// factor). A plugin that requires mutual authentication throws here when the server's proof
    /// is missing or wrong, so an OK without a proof is refused.
    /// </summary>
    /// <param name="finalData">Data the server sent with its acceptance (e.g. SCRAM's server-final message), possibly empty.</param>
    /// <exception cref="HandshakeException">The acceptance is not trustworthy.</exception>
    void OnServerAccepted(ReadOnlyMemory<byte> finalData);

    /// <summary>
    /// Called when the server rejects the factor this exchange was running. A mechanism whose server
    /// explains a failure inside the exchange (OAUTHBEARER's error JSON, RFC 7628 §3.2.2) returns the
    /// exception the application should see instead, carrying what the server said, so the application
    /// can act on it (fetch a new token). The default keeps the engine's error.
    /// </summary>
    /// <param name="rejection">The engine's <see cref="AuthErrorCode.ServerRejected"/> error for the server's failure message.</param>
    /// <returns>The exception to raise instead, or null to raise <paramref name="rejection"/>.</returns>
    HandshakeException? OnServerRejected(HandshakeException rejection) => null;
}
