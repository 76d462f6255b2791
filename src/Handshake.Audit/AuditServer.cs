using System.Net;
using System.Net.Sockets;
using Handshake.Audit.Internal;

namespace Handshake.Audit;

/// <summary>
/// A scenario served on 127.0.0.1: point the client under audit at <see cref="Port"/>, then call
/// <see cref="JudgeAsync"/> with what the client reported. Every connection (up to
/// <see cref="AuditServerOptions.MaxConnections"/>; libpq retries without TLS after some errors) gets the same scenario.
/// </summary>
public sealed class AuditServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly AuditServerOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<AuditSession> _sessions = [];
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _acceptLoop;

    private AuditServer(AuditScenario scenario, AuditServerOptions options)
    {
        Scenario = scenario;
        _options = options;
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Gets the scenario served.</summary>
    public AuditScenario Scenario { get; }

    /// <summary>Gets the port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets the host clients connect to.</summary>
    public static string Host => "127.0.0.1";

    /// <summary>Starts listening on 127.0.0.1 and serves <paramref name="scenario"/> to every connection.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="options">Credentials, deadline, certificate, port; null for the defaults.</param>
    /// <returns>The listening server.</returns>
    public static AuditServer Start(AuditScenario scenario, AuditServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= new AuditServerOptions();
        options.Validate();
        return new AuditServer(scenario, options);
    }

    /// <summary>
    /// Judges what the client did. With a report, the connections are told the client is done; without one, the
    /// server waits for a connection to end by itself (or the deadline). When the client connected more than
    /// once, the connection on which it logged in is judged, else the first.
    /// </summary>
    /// <param name="report">What the client reported, or null for the server's view alone.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The finding.</returns>
    public async Task<AuditFinding> JudgeAsync(AuditClientReport? report, CancellationToken cancellationToken = default)
    {
        if (report is null)
        {
            try
            {
                await _firstConnection.Task.WaitAsync(_options.Deadline, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Judged below as a client that never connected.
            }
        }

        AuditSession[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        if (sessions.Length == 0)
        {
            var facts = new SessionFacts();
            facts.Add("server: the client never connected");

            // A client that never connected did not log in, whatever it reports.
            var neverConnected = AuditClientReport.Failure("never connected" + (report?.Message is { Length: > 0 } message ? ": " + message : string.Empty));
            return Scenario.Judge(new AuditObservation(Scenario, facts, TimeSpan.Zero), neverConnected);
        }

        var findings = new List<AuditFinding>(sessions.Length);
        foreach (var session in sessions)
        {
            findings.Add(await session.JudgeAsync(report, cancellationToken).ConfigureAwait(false));
        }

        return findings.Find(f => f.Observation.End == AuditConnectionEnd.ClientLoggedIn) ?? findings[0];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        AuditSession[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _listener.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_sessions)
            {
                if (_sessions.Count >= _options.MaxConnections)
                {
                    socket.Dispose();
                    continue;
                }

                socket.NoDelay = true;
#pragma warning disable CA2000 // The session owns the stream and disposes it when the connection ends.
                _sessions.Add(AuditSession.Start(new NetworkStream(socket, ownsSocket: true), Scenario, _options, _stop.Token));
#pragma warning restore CA2000
            }

            _firstConnection.TrySetResult();
        }
    }
}
