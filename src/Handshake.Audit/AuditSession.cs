using Handshake.Audit.Internal;

namespace Handshake.Audit;

/// <summary>
/// One scenario served over one stream (a socket, or the server end of an in-memory pair). The session
/// owns the stream and closes it when the connection ends: at the client's close, at the deadline, or
/// when <see cref="JudgeAsync"/> reports the client's outcome.
/// </summary>
public sealed class AuditSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _clientDone = new();
    private readonly CancellationTokenSource _deadline = new();

    private AuditSession(Stream stream, AuditScenario scenario, AuditServerOptions options, Stream? clientStream, CancellationToken cancellationToken)
    {
        Scenario = scenario;
        ClientStream = clientStream;
        _deadline.CancelAfter(options.Deadline);
        Completion = RunAsync(stream, options, cancellationToken);
    }

    /// <summary>Gets the scenario being served.</summary>
    public AuditScenario Scenario { get; }

    /// <summary>Gets the client's end of the in-memory pair (<see cref="StartInMemory"/>); null for <see cref="Start"/>.</summary>
    public Stream? ClientStream { get; }

    /// <summary>Gets the server's view, complete when the connection has ended.</summary>
    public Task<AuditObservation> Completion { get; }

    /// <summary>Serves <paramref name="scenario"/> on <paramref name="stream"/> (the session owns it from now on).</summary>
    /// <param name="stream">The server end of a connection.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="options">Credentials, deadline, certificate; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the session.</param>
    /// <returns>The running session.</returns>
    public static AuditSession Start(Stream stream, AuditScenario scenario, AuditServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= new AuditServerOptions();
        options.Validate();
        return new AuditSession(stream, scenario, options, clientStream: null, cancellationToken);
    }

    /// <summary>Serves <paramref name="scenario"/> over an in-memory duplex pair; the client uses <see cref="ClientStream"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="options">Credentials, deadline, certificate; null for the defaults.</param>
    /// <returns>The running session.</returns>
    public static AuditSession StartInMemory(AuditScenario scenario, AuditServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= new AuditServerOptions();
        options.Validate();
        var (server, client) = InMemoryDuplexStream.CreatePair();
        return new AuditSession(server, scenario, options, client, CancellationToken.None);
    }

    /// <summary>
    /// Judges the connection. With a report (the client's call returned or threw) the session stops waiting at
    /// once; with none it waits for the connection to end by itself (the client's close, or the deadline).
    /// </summary>
    /// <param name="report">What the client reported, or null for the server's view alone.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The finding.</returns>
    public async Task<AuditFinding> JudgeAsync(AuditClientReport? report, CancellationToken cancellationToken = default)
    {
        if (report is not null)
        {
            await _clientDone.CancelAsync().ConfigureAwait(false);
        }

        var observation = await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Scenario.Judge(observation, report);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _clientDone.CancelAsync().ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        finally
        {
            _clientDone.Dispose();
            _deadline.Dispose();
            if (ClientStream is not null)
            {
                await ClientStream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<AuditObservation> RunAsync(Stream stream, AuditServerOptions options, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var facts = new SessionFacts();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token, _clientDone.Token, cancellationToken);
        var context = new ScenarioContext(stream, facts, options, linked.Token);
        try
        {
            switch (Scenario.Plan)
            {
                case PgPlan pg:
                    await PgScenarioServer.RunAsync(context, pg).ConfigureAwait(false);
                    break;
                case MySqlPlan mysql:
                    await MySqlScenarioServer.RunAsync(context, mysql).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException("A scenario without a plan.");
            }
        }
        catch (ClientClosedException ex)
        {
            if (facts.End != AuditConnectionEnd.ClientLoggedIn)
            {
                facts.End = AuditConnectionEnd.ClientClosed;
            }

            facts.Add("client: " + (ex.Message.StartsWith("TLS", StringComparison.Ordinal) ? ex.Message : "closed the connection"));
        }
        catch (ClientProtocolException ex)
        {
            if (facts.End != AuditConnectionEnd.ClientLoggedIn)
            {
                facts.End = AuditConnectionEnd.ProtocolError;
            }

            facts.Add("client: broke the protocol (" + ex.Message + "); server hung up");
        }
        catch (Exception ex) when (linked.IsCancellationRequested && ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            if (facts.End != AuditConnectionEnd.ClientLoggedIn)
            {
                facts.End = _clientDone.IsCancellationRequested || cancellationToken.IsCancellationRequested ? AuditConnectionEnd.ClientReported : AuditConnectionEnd.DeadlineExpired;
            }

            facts.Add(facts.End == AuditConnectionEnd.DeadlineExpired ? "server: deadline passed; hung up" : "test: client outcome reported");
        }
        finally
        {
            if (facts.HostileMessageSentAt is { } sentAt)
            {
                facts.TimeAfterHostileMessage = context.Elapsed - sentAt;
            }

            await context.DisposeTlsAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        return new AuditObservation(Scenario, facts, context.Elapsed);
    }
}
