using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Handshake.Cli.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Serve;

/// <summary>
/// The loopback listener behind <c>handshake serve</c>: an asynchronous accept loop (no thread waits on
/// an idle socket), one acceptor per connection run by the protocol's catalogue entry, at most
/// <see cref="ServeSettings.MaxConnections"/> at once (more are closed at once), one log line per login
/// (user, plugins per factor, outcome; never a secret), and a bounded shutdown when the token is cancelled.
/// </summary>
internal sealed class ServeServer(CliProtocol protocol, IReadOnlyList<ServeUser> users, ServeSettings settings, TextWriter log, Store.ServeState? state = null)
{
    /// <summary>How long one connection may take from accept to the end of its session.</summary>
    public static readonly TimeSpan SessionLimit = TimeSpan.FromMinutes(5);

    /// <summary>How long open connections get to end after a stop is asked for.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly Lock _logLock = new();

    [SuppressMessage("Reliability", "CA2025:Ensure tasks using IDisposable instances complete before the instances are disposed", Justification = "Sessions are cancelled and awaited for ShutdownGrace; a straggler that outlives it meets ObjectDisposedException, which it catches.")]
    public async Task RunAsync(int port, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        using var rsa = RSA.Create(2048);
        var builder = services.AddHandshake()

            // caching_sha2_password's full authentication over plain TCP needs an RSA key pair: an ephemeral one.
            .AddServeVerifiers(rsa.ExportPkcs8PrivateKeyPem())
            .AddAcceptor(o => protocol.ConfigureAcceptor(o, settings))
            .AddInMemoryCredentialStore(store =>
            {
                foreach (var user in users)
                {
                    store.AddUser(user.Name, [.. user.Factors]);
                }
            });
        state?.Configure(services, builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await using var providerScope = provider.ConfigureAwait(false);
        IAuthAcceptorFactory factory;
        try
        {
            factory = provider.GetRequiredService<IAuthAcceptorFactory>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            // A key a shared store needs, a key file that is not a key: one line saying what to set.
            throw new CliUsageException(ex.Message, ex);
        }

        using var stats = settings.Stats ? new ServeStats() : null;
        var resumeIssuer = settings.Resume ? provider.GetRequiredService<Plugins.Resume.IResumeTokenIssuer>() : null;
        using var listener = new TcpListener(IPAddress.Loopback, port);

        // The kernel's accept queue holds connections between two accepts; the cap is enforced after each.
        listener.Start(Math.Min(settings.MaxConnections, 4096));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var maintenance = state?.MaintainAsync(provider, Log, stopping.Token) ?? Task.CompletedTask;
        var sessions = new ConcurrentDictionary<uint, Task>();
        var open = 0;
        var connectionId = 0u;
        try
        {
            var bound = (IPEndPoint)listener.LocalEndpoint;
            Log($"listening on 127.0.0.1:{bound.Port.ToString(CultureInfo.InvariantCulture)} ({protocol.Name}, {users.Count.ToString(CultureInfo.InvariantCulture)} user(s), {state?.Describe ?? "users in memory"}, TLS {(settings.Certificate is null ? "off" : "on")}, at most {settings.MaxConnections.ToString(CultureInfo.InvariantCulture)} connections); Ctrl+C stops");
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SocketException ex)
                {
                    // A connection reset while queued, or out of descriptors: log it and keep accepting.
                    Log($"accept failed: {ex.SocketErrorCode}");
                    continue;
                }

                if (Interlocked.Increment(ref open) > settings.MaxConnections)
                {
                    _ = Interlocked.Decrement(ref open);
                    Log($"{Peer(socket)}: refused, already serving {settings.MaxConnections.ToString(CultureInfo.InvariantCulture)} connections (--max-connections)");
                    socket.Dispose();
                    continue;
                }

                stats?.Connection();
                var id = ++connectionId;
                sessions[id] = ServeOneAsync(socket, factory, resumeIssuer, id, stopping.Token).ContinueWith(
                    finished =>
                    {
                        _ = Interlocked.Decrement(ref open);
                        _ = sessions.TryRemove(id, out Task? _);
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        finally
        {
            listener.Stop();
            await stopping.CancelAsync().ConfigureAwait(false);
            await maintenance.ConfigureAwait(false);
            try
            {
                await Task.WhenAll(sessions.Values).WaitAsync(ShutdownGrace, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log("stopped with connections still closing");
            }

            if (stats is not null)
            {
                Log(stats.Describe());
            }

            Log("stopped");
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "One broken connection is logged and closed; it must never stop the server.")]
    private async Task ServeOneAsync(Socket socket, IAuthAcceptorFactory factory, Plugins.Resume.IResumeTokenIssuer? resumeIssuer, uint id, CancellationToken stopping)
    {
        // Off the accept loop at once: the session's first steps may complete synchronously.
        await Task.Yield();
        var peer = Peer(socket);
        try
        {
            using (socket)
            using (var session = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                session.CancelAfter(SessionLimit);
                socket.NoDelay = true;
                var stream = new NetworkStream(socket, ownsSocket: false);
                await using (stream.ConfigureAwait(false))
                {
                    var line = await protocol.ServeAsync(new ServeConnection(stream, factory, settings, id, text => Log($"{peer}: {text}")) { ResumeIssuer = resumeIssuer }, session.Token).ConfigureAwait(false);
                    if (line is not null)
                    {
                        Log($"{peer}: {line}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            Log($"{peer}: connection ended: {ex.GetType().Name}{(ex is HandshakeException auth ? $" {auth.Code}" : string.Empty)}");
        }
    }

    private static string Peer(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "(unknown peer)";
        }
        catch (SocketException)
        {
            return "(unknown peer)";
        }
    }

    private void Log(string line)
    {
        lock (_logLock)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }
}
