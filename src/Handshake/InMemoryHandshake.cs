namespace Handshake;

/// <summary>Runs a negotiator against an acceptor over an <see cref="InMemoryAuthConnection"/>: the embedded default.</summary>
public static class InMemoryHandshake
{
    /// <summary>Runs both sides to the end. A client failure closes its end so the acceptor never waits forever.</summary>
    /// <param name="negotiator">The client.</param>
    /// <param name="acceptor">The server.</param>
    /// <param name="connection">The connection, or null for a plain one.</param>
    /// <param name="userName">The user, when the acceptor is told it up front (PostgreSQL style).</param>
    /// <param name="wrapClient">Wraps the client's end before the negotiator uses it (a transcript recorder, a fault injector), when given.</param>
    /// <param name="cancellationToken">Cancels both sides.</param>
    /// <returns>What each side ended with.</returns>
    public static async Task<InMemoryHandshakeResult> RunAsync(AuthNegotiator negotiator, AuthAcceptor acceptor, InMemoryAuthConnection? connection = null, string? userName = null, Func<IAuthTransport, IAuthTransport>? wrapClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(negotiator);
        ArgumentNullException.ThrowIfNull(acceptor);
        using var owned = connection is null ? InMemoryAuthConnection.Create() : null;
        var link = connection ?? owned!;
        var server = Task.Run(() => acceptor.RunAsync(link.Server, userName, cancellationToken), cancellationToken);
        AuthResult? clientResult = null;
        HandshakeException? clientError = null;
        try
        {
            clientResult = await negotiator.RunAsync(wrapClient is null ? link.Client : wrapClient(link.Client), cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            clientError = ex;
            link.CloseClient();
        }

        var serverResult = await server.ConfigureAwait(false);
        return new InMemoryHandshakeResult(clientResult, clientError, serverResult, acceptor.FailureReason);
    }
}
