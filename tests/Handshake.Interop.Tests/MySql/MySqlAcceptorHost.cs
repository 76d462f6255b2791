using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// Our MySQL acceptor on 127.0.0.1:0 for real clients: every accepted connection runs
/// <see cref="MySqlServerConnector.AcceptAsync"/> and, after an OK, <see cref="MySqlServerConnector.ServeCommandsAsync"/>.
/// The outcomes are collected so tests can check what our side decided. Bounded by its own token.
/// </summary>
internal sealed class MySqlAcceptorHost : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(90));
    private readonly ServiceProvider _services;
    private readonly MySqlServerOptions _options;
    private readonly Task _loop;
    private readonly ConcurrentQueue<MySqlServerResult> _results = new();
    private readonly List<Task> _sessions = [];
    private readonly Func<MySqlServerResult, CancellationToken, Task>? _afterLogin;

    /// <param name="services">The container with the acceptor.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="afterLogin">Runs after an accepted login, before the command phase (a proxy logs in to its backend here).</param>
    public MySqlAcceptorHost(ServiceProvider services, MySqlServerOptions? options = null, Func<MySqlServerResult, CancellationToken, Task>? afterLogin = null)
    {
        _services = services;
        _afterLogin = afterLogin;
        _options = options ?? new MySqlServerOptions { ClientHost = "127.0.0.1" };
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>
    /// Gets the results of the sessions so far, after waiting (up to 10 s) for the running ones to end: a
    /// client such as the mariadb CLI exits as soon as it reads ERR, before the session has recorded its result.
    /// </summary>
    public IReadOnlyCollection<MySqlServerResult> Results
    {
        get
        {
            Task[] sessions;
            lock (_sessions)
            {
                sessions = [.. _sessions];
            }

            _ = Task.WaitAll(sessions, TimeSpan.FromSeconds(10));
            return _results;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(static _ => { }, TaskScheduler.Default);
        _stop.Dispose();
        await _services.DisposeAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var session = Task.Run(() => ServeAsync(client));
            lock (_sessions)
            {
                _sessions.Add(session);
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            using var perConnection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            perConnection.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await using var stream = client.GetStream();
                var factory = _services.GetRequiredService<IAuthAcceptorFactory>();
                var result = await MySqlServerConnector.AcceptAsync(stream, _options, factory, perConnection.Token);
                _results.Enqueue(result);
                if (result.Succeeded)
                {
                    if (_afterLogin is not null)
                    {
                        await _afterLogin(result, perConnection.Token);
                    }

                    await MySqlServerConnector.ServeCommandsAsync(result, perConnection.Token);
                }

                if (!ReferenceEquals(result.Stream, stream))
                {
                    await result.Stream.DisposeAsync();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // The client left or the test ended; the outcome (if any) is already recorded.
            }
        }
    }
}
