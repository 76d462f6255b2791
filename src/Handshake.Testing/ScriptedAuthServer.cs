namespace Handshake.Testing;

/// <summary>
/// A fake server that plays a fixed script against a real client: send these events, expect these
/// answers (with assertions). What the client sent is kept, copied, for later checks.
/// </summary>
public sealed class ScriptedAuthServer
{
    private readonly List<(AuthEvent? Send, Action<AuthClientMessage>? Expect)> _steps = [];
    private readonly List<AuthClientMessage> _received = [];

    /// <summary>Gets what the client sent, in order.</summary>
    public IReadOnlyList<AuthClientMessage> Received => _received;

    /// <summary>Adds a step that sends an event.</summary>
    /// <param name="authEvent">The event.</param>
    /// <returns>This script.</returns>
    public ScriptedAuthServer Send(AuthEvent authEvent)
    {
        _steps.Add((authEvent, null));
        return this;
    }

    /// <summary>Adds a step that waits for the client's answer and checks it.</summary>
    /// <param name="assertion">Throws when the answer is wrong; null accepts anything.</param>
    /// <returns>This script.</returns>
    public ScriptedAuthServer Expect(Action<AuthClientMessage>? assertion = null)
    {
        _steps.Add((null, assertion ?? (static _ => { })));
        return this;
    }

    /// <summary>Plays the script over the server's end of a connection.</summary>
    /// <param name="transport">The server's end.</param>
    /// <param name="cancellationToken">Cancels the script.</param>
    /// <returns>A task that completes when the script ends.</returns>
    public async Task RunAsync(IAcceptorTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        foreach (var (send, expect) in _steps)
        {
            if (send is { } e)
            {
                await transport.SendAsync(e, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var message = await transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                message = message with { Data = message.Data.ToArray() };
                _received.Add(message);
                expect!(message);
            }
        }
    }

    /// <summary>Plays the script against a negotiator over a fresh in-memory connection.</summary>
    /// <param name="negotiator">The client under test.</param>
    /// <param name="security">What the connection reports; plain when null.</param>
    /// <param name="cancellationToken">Cancels both sides.</param>
    /// <returns>The client's result; throws the client's <see cref="HandshakeException"/> when it failed.</returns>
    public async Task<AuthResult> RunAgainstAsync(AuthNegotiator negotiator, TransportSecurity? security = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(negotiator);
        using var connection = InMemoryAuthConnection.Create(security);
        var server = RunAsync(connection.Server, cancellationToken);
        try
        {
            var result = await negotiator.RunAsync(connection.Client, cancellationToken).ConfigureAwait(false);
            await server.ConfigureAwait(false);
            return result;
        }
        catch (HandshakeException)
        {
            connection.Dispose();
            try
            {
                await server.ConfigureAwait(false);
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                // The script was still waiting for an answer the failed client never sent.
            }

            throw;
        }
    }
}
