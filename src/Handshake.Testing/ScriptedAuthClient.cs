namespace Handshake.Testing;

/// <summary>A fake client that plays a fixed script against a real acceptor: expect these events, send these answers.</summary>
public sealed class ScriptedAuthClient
{
    private readonly List<(AuthClientMessage? Send, Action<AuthEvent>? Expect)> _steps = [];
    private readonly List<AuthEvent> _received = [];

    /// <summary>Gets what the server sent, in order.</summary>
    public IReadOnlyList<AuthEvent> Received => _received;

    /// <summary>Adds a step that sends a message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>This script.</returns>
    public ScriptedAuthClient Send(AuthClientMessage message)
    {
        _steps.Add((message, null));
        return this;
    }

    /// <summary>Adds a step that waits for the server's event and checks it.</summary>
    /// <param name="assertion">Throws when the event is wrong; null accepts anything.</param>
    /// <returns>This script.</returns>
    public ScriptedAuthClient Expect(Action<AuthEvent>? assertion = null)
    {
        _steps.Add((null, assertion ?? (static _ => { })));
        return this;
    }

    /// <summary>Plays the script over the client's end of a connection.</summary>
    /// <param name="transport">The client's end.</param>
    /// <param name="cancellationToken">Cancels the script.</param>
    /// <returns>A task that completes when the script ends.</returns>
    public async Task RunAsync(IAuthTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        foreach (var (send, expect) in _steps)
        {
            if (send is { } m)
            {
                await transport.SendAsync(m, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var e = await transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                _received.Add(e);
                expect!(e);
            }
        }
    }

    /// <summary>Plays the script against an acceptor over a fresh in-memory connection.</summary>
    /// <param name="acceptor">The server under test.</param>
    /// <param name="userName">The user, when the acceptor is told it up front.</param>
    /// <param name="security">What the connection reports; plain when null.</param>
    /// <param name="cancellationToken">Cancels both sides.</param>
    /// <returns>The acceptor's result, or null when it rejected.</returns>
    public async Task<AuthResult?> RunAgainstAsync(AuthAcceptor acceptor, string? userName = null, TransportSecurity? security = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acceptor);
        using var connection = InMemoryAuthConnection.Create(security);
        var server = acceptor.RunAsync(connection.Server, userName, cancellationToken);
        await RunAsync(connection.Client, cancellationToken).ConfigureAwait(false);
        connection.CloseClient();
        return await server.ConfigureAwait(false);
    }
}
