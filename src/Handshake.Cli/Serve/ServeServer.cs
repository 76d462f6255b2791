using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Protocols.MySql;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Serve;

/// <summary>
/// The loopback listener behind <c>handshake serve</c>: one acceptor per connection, at most
/// <c>maxConnections</c> at once, one log line per login (user, plugins per factor, outcome; never a
/// secret), and a bounded shutdown when the token is cancelled.
/// </summary>
internal sealed class ServeServer(bool isPostgres, IReadOnlyList<ServeUser> users, X509Certificate2? certificate, int maxConnections, string mysqlDefaultPlugin, TextWriter log, Store.ServeState? state = null)
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
            .AddAcceptor(o => o.DefaultPlugin = isPostgres ? UsersFile.Scram : mysqlDefaultPlugin)
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


        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var maintenance = state?.MaintainAsync(provider, Log, stopping.Token) ?? Task.CompletedTask;
        using var slots = new SemaphoreSlim(maxConnections, maxConnections);
        var sessions = new List<Task>();
        var connectionId = 0u;
        try
        {
            var bound = (IPEndPoint)listener.LocalEndpoint;
            Log($"listening on 127.0.0.1:{bound.Port.ToString(CultureInfo.InvariantCulture)} ({(isPostgres ? "postgres" : "mysql")}, {users.Count.ToString(CultureInfo.InvariantCulture)} user(s), {state?.Describe ?? "users in memory"}, TLS {(certificate is null ? "off" : "on")}); Ctrl+C stops");
            while (!cancellationToken.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                sessions.RemoveAll(t => t.IsCompleted);
                if (!slots.Wait(0, CancellationToken.None))
                {
                    Log($"{Peer(client)}: refused, already serving {maxConnections.ToString(CultureInfo.InvariantCulture)} connections (--max-connections)");
                    client.Dispose();
                    continue;
                }

                var id = ++connectionId;
                sessions.Add(Task.Run(() => ServeOneAsync(client, factory, id, slots, stopping.Token), CancellationToken.None));
            }
        }
        finally
        {
            listener.Stop();
            await stopping.CancelAsync().ConfigureAwait(false);
            await maintenance.ConfigureAwait(false);
            try
            {
                await Task.WhenAll(sessions).WaitAsync(ShutdownGrace, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log("stopped with connections still closing");
            }

            Log("stopped");
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "One broken connection is logged and closed; it must never stop the server.")]
    private async Task ServeOneAsync(TcpClient client, IAuthAcceptorFactory factory, uint id, SemaphoreSlim slots, CancellationToken stopping)
    {
        var peer = Peer(client);
        try
        {
            using (client)
            using (var session = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                session.CancelAfter(SessionLimit);
                client.NoDelay = true;
                var stream = client.GetStream();
                if (isPostgres)
                {
                    var options = new PostgreSqlAcceptorOptions { ServerCertificate = certificate };
                    var result = await PostgreSqlAcceptorSession.AcceptAsync(stream, options, factory, session.Token).ConfigureAwait(false);
                    if (!result.IsCancelRequest)
                    {
                        Log($"{peer}: user {result.UserName ?? "(none)"}{(result.IsEncrypted ? " over TLS" : string.Empty)}: {Outcome(result.Authentication, result.FailureReason, result.FailureDetail)}");
                    }
                }
                else
                {
                    var options = new MySqlServerOptions { ServerCertificate = certificate, ConnectionId = id, ClientHost = "127.0.0.1" };
                    var result = await MySqlServerConnector.AcceptAsync(stream, options, factory, session.Token).ConfigureAwait(false);
                    Log($"{peer}: user {result.UserName ?? "(none)"}{(result.Transport.IsEncrypted ? " over TLS" : string.Empty)} (client plugin {result.ClientPluginName ?? "none"}): {Outcome(result.Result, result.FailureReason, null)}");
                    try
                    {
                        if (result.Succeeded)
                        {
                            await MySqlServerConnector.ServeCommandsAsync(result, session.Token).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        if (!ReferenceEquals(result.Stream, stream))
                        {
                            await result.Stream.DisposeAsync().ConfigureAwait(false);
                        }
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
        finally
        {
            try
            {
                slots.Release();
            }
            catch (ObjectDisposedException)
            {
                // A straggler after shutdown: nothing left to release.
            }
        }
    }

    private static string Outcome(AuthResult? result, AuthErrorCode reason, string? detail) =>
        result is not null
            ? $"accepted, factors {string.Join(", ", result.Factors.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.FactorIndex}: {Ran(f)}")))} (assurance level {result.AssuranceLevel.ToString(CultureInfo.InvariantCulture)})"
            : $"rejected, {reason}{(string.IsNullOrEmpty(detail) ? string.Empty : $" ({detail})")}";

    /// <summary>
    /// The mechanism that ran for a factor (the last one tried: a verifier's name is its family, e.g.
    /// SCRAM-SHA-256, while the client may have run SCRAM-SHA-256-PLUS), and whether it bound the channel.
    /// </summary>
    private static string Ran(AuthFactorOutcome factor)
    {
        var mechanism = factor.PluginsTried.Count > 0 ? factor.PluginsTried[^1] : factor.PluginName;
        // RFC 5802 section 4 (after RFC 5056): a SASL mechanism whose name ends in -PLUS binds the channel.
        return mechanism.EndsWith("-PLUS", StringComparison.Ordinal) ? $"{mechanism} (channel-bound)" : mechanism;
    }

    private static string Peer(TcpClient client) =>
        client.Client.RemoteEndPoint?.ToString() ?? "(unknown peer)";

    private void Log(string line)
    {
        lock (_logLock)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }
}
