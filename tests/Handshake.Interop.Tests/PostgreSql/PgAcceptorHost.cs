using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// Our PostgreSQL acceptor (<see cref="PostgreSqlAcceptorSession"/>) behind a loopback <see cref="TcpListener"/>
/// on a free port, with the SCRAM verifier and an in-memory credential store: the server real clients
/// (psql, node pg, Npgsql) connect to. Each connection runs in its own task; its result is recorded.
/// </summary>
internal sealed class PgAcceptorHost : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ServiceProvider _services;
    private readonly PostgreSqlAcceptorOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly ConcurrentQueue<PostgreSqlAcceptorResult> _results = new();
    private readonly Task _acceptLoop;

    private PgAcceptorHost(IReadOnlyDictionary<string, string> users, X509Certificate2? certificate, bool requireTls, bool storedVerifiers = false, Func<AuthResult, Stream, CancellationToken, Task>? authenticatedQueryPhase = null)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddScramVerifier(o => o.RecoverPassThroughKey = authenticatedQueryPhase is not null)
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(store =>
            {
                foreach (var (user, secret) in users)
                {
                    // A stored verifier is taken as it is (checked by the SCRAM parser), e.g. one read from a real server's pg_authid.
                    var stored = storedVerifiers ? ScramCredential.Parse(secret).Format() : ScramCredential.Create(secret, SystemRandomSource.Instance, 4096).Format();
                    store.AddUser(user, new AuthFactorPolicy("SCRAM-SHA-256", StoredCredential.FromString(stored)));
                }
            });
        _services = services.BuildServiceProvider();
        _options = new PostgreSqlAcceptorOptions
        {
            ServerCertificate = certificate,
            RequireTls = requireTls,
            AuthenticationTimeout = TimeSpan.FromSeconds(20),
            IdleTimeout = TimeSpan.FromSeconds(20),
            SessionHandler = authenticatedQueryPhase is null ? null : (session, ct) => authenticatedQueryPhase(session.Authentication, session.Stream, ct),
        };
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public static string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>Gets the results of the sessions that ended, in the order they ended.</summary>
    public IReadOnlyCollection<PostgreSqlAcceptorResult> Results => _results;

    /// <summary>Starts a host whose users all authenticate with SCRAM-SHA-256 (and -PLUS over TLS).</summary>
    public static PgAcceptorHost Start(IReadOnlyDictionary<string, string> users, X509Certificate2? certificate = null, bool requireTls = false) =>
        new(users, certificate, requireTls);

    /// <summary>
    /// Starts a pass-through front end: users' stored SCRAM verifiers are given as they are (user -> verifier
    /// text), the verifier recovers the key of each login, and <paramref name="session"/> serves the session with the login's result.
    /// </summary>
    public static PgAcceptorHost StartPassThrough(IReadOnlyDictionary<string, string> storedVerifiers, Func<AuthResult, Stream, CancellationToken, Task> session, X509Certificate2? certificate = null) =>
        new(storedVerifiers, certificate, requireTls: false, storedVerifiers: true, session);

    /// <summary>Waits (bounded) until <paramref name="count"/> sessions have ended; returns their results.</summary>
    public async Task<PostgreSqlAcceptorResult[]> WaitForResultsAsync(int count = 1, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (_results.Count < count)
        {
            await Task.Delay(20, cts.Token);
        }

        return [.. _results];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The listener was stopped.
        }

        await Task.WhenAll(_sessions).WaitAsync(TimeSpan.FromSeconds(20));
        await _services.DisposeAsync();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _sessions.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            await using var stream = client.GetStream();
            var factory = _services.GetRequiredService<IAuthAcceptorFactory>();
            try
            {
                var result = await PostgreSqlAcceptorSession.AcceptAsync(stream, _options, factory, _stop.Token);
                _results.Enqueue(result);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The host is stopping while a client (e.g. a pooled Npgsql connection) still holds its
                // session open after login: the session ends by our cancellation, as asked.
            }
        }
    }
}
