using System.Net;
using System.Net.Sockets;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using Handshake.Protocols.MySql;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Fuzz.Targets;

/// <summary>
/// One side of a wire protocol adapter (MySQL or PostgreSQL) fed a recorded byte stream from the other side.
/// The honest conversation is recorded once over loopback TCP, as the chunks each side wrote; an input replaces
/// one chunk (a MySQL packet, a PostgreSQL message or flushed batch) and the whole stream is replayed through
/// the adapter's public entry point on a <see cref="ReplayStream"/> (synchronous, ends with end of stream).
/// </summary>
internal sealed class AdapterTarget : FuzzTarget
{
    private readonly List<byte[]> _chunks;
    private readonly Action<Stream> _run;

    public AdapterTarget(string name, List<byte[]> chunks, Action<Stream> run)
    {
        Name = name;
        _chunks = chunks;
        _run = run;
        Seeds = [.. chunks.Select((c, i) => new FuzzInput(i, c))];
    }

    public override string Name { get; }

    public override IReadOnlyList<FuzzInput> Seeds { get; }

    /// <summary>What each side's recorded chunks are built from (for the report and the tests).</summary>
    public IReadOnlyList<byte[]> Chunks => _chunks;

    public override void Run(FuzzInput input)
    {
        using var stream = new ReplayStream(Concat(input));
        _run(stream);
    }

    private byte[] Concat(FuzzInput input)
    {
        using var all = new MemoryStream();
        for (var i = 0; i < _chunks.Count; i++)
        {
            all.Write(i == input.Step ? input.Data : _chunks[i]);
        }

        return all.ToArray();
    }
}

/// <summary>A random source whose sequence restarts on <see cref="Reset"/>, so each replay sees the recorded nonces and scrambles.</summary>
internal sealed class ReplayRandom(int seed) : IRandomSource
{
    private Random _random = new(seed);

    public void Reset() => _random = new Random(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}

/// <summary>The MySQL and PostgreSQL adapter targets.</summary>
internal static class AdapterCatalog
{
    public const string User = "alice";
    public const string Password = "pencil";
    public const string SecondPassword = "eraser";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Whether the last server run on this thread accepted the login (the seeds must).</summary>
    [ThreadStatic]
    private static bool t_lastServerSucceeded;

    public static bool LastServerSucceeded { get => t_lastServerSucceeded; private set => t_lastServerSucceeded = value; }

    private static readonly Lazy<Recording> MySql = new(RecordMySql);
    private static readonly Lazy<Recording> PgSql = new(RecordPgSql);

    public static FuzzTarget Create(string name) => name switch
    {
        "mysql-client" => new AdapterTarget(name, MySql.Value.ServerChunks, MySql.Value.RunClient),
        "mysql-server" => new AdapterTarget(name, MySql.Value.ClientChunks, MySql.Value.RunServer),
        "pgsql-client" => new AdapterTarget(name, PgSql.Value.ServerChunks, PgSql.Value.RunClient),
        "pgsql-server" => new AdapterTarget(name, PgSql.Value.ClientChunks, PgSql.Value.RunServer),
        _ => throw new ArgumentException($"Unknown adapter target '{name}'.", nameof(name)),
    };

    /// <summary>
    /// MySQL: the server greets with mysql_native_password, the user's factor 1 is caching_sha2_password
    /// (AuthSwitchRequest; full authentication over a plain connection: RSA key request, AuthMoreData with
    /// the PEM, RSA-OAEP password), factor 2 mysql_native_password (AuthNextFactor), then OK.
    /// </summary>
    private static Recording RecordMySql()
    {
        var clientRandom = new ReplayRandom(11);
        var serverRandom = new ReplayRandom(12);
        var clientServices = new ServiceCollection();
        _ = clientServices.AddSingleton<IRandomSource>(clientRandom).AddHandshake()
            .AddNativePassword()
            .AddCachingSha2(o => o.AllowPublicKeyRetrieval = true);
        var client = clientServices.BuildServiceProvider();

        var serverServices = new ServiceCollection();
        _ = serverServices.AddSingleton<IRandomSource>(serverRandom).AddHandshake()
            .AddNativePasswordVerifier()
            .AddCachingSha2Verifier()
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .ConfigureFactorPolicyRules(r => r.AllowServerStoredPasswordAfterFirstFactor = true)
            .AddInMemoryCredentialStore(s => s.AddUser(
                User,
                new AuthFactorPolicy(CachingSha2PluginNames.CachingSha2Password, CachingSha2Credential.FromPassword(Password, new DeterministicRandom(3), CachingSha2Credential.MinIterations).ToStoredCredential()),
                new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, NativePasswordCredential.FromPassword(SecondPassword).ToStoredCredential())));
        var server = serverServices.BuildServiceProvider();
        var cache = server.GetRequiredService<CachingSha2PasswordCache>();

        void RunClient(Stream stream)
        {
            clientRandom.Reset();
            using var cts = new CancellationTokenSource(Timeout);
            using var credentials = AuthCredentials.FromPasswords(User, Password, SecondPassword);
            var factory = client.GetRequiredService<IAuthNegotiatorFactory>();
#pragma warning disable CA2025 // Sync blocks until the task ends, before the credentials are disposed.
            _ = Sync(MySqlClientConnector.ConnectAsync(stream, new MySqlClientOptions(), factory, credentials, cts.Token));
#pragma warning restore CA2025
        }

        void RunServer(Stream stream)
        {
            serverRandom.Reset();
            cache.Clear();
            using var cts = new CancellationTokenSource(Timeout);
            var factory = server.GetRequiredService<IAuthAcceptorFactory>();
            var result = Sync(MySqlServerConnector.AcceptAsync(stream, new MySqlServerOptions(), factory, cts.Token));
            LastServerSucceeded = result.Succeeded;
            CheckServerReason(result.FailureReason);
        }

        var (clientChunks, serverChunks) = Record(RunClient, RunServer);
        return new Recording(clientChunks, serverChunks, RunClient, RunServer);
    }

    /// <summary>PostgreSQL: no TLS (SslMode.Disable), StartupMessage, SCRAM-SHA-256 (16 iterations), AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery.</summary>
    private static Recording RecordPgSql()
    {
        var clientRandom = new ReplayRandom(21);
        var serverRandom = new ReplayRandom(22);
        var clientServices = new ServiceCollection();
        _ = clientServices.AddSingleton<IRandomSource>(clientRandom).AddHandshake()
            .AddScram(o =>
            {
                o.MinIterations = 1;
                o.MaxIterations = 4096;
                o.SendEmptyUserName = true;
            });
        var client = clientServices.BuildServiceProvider();

        var serverServices = new ServiceCollection();
        _ = serverServices.AddSingleton<IRandomSource>(serverRandom).AddHandshake()
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, new byte[16], 16).ToStoredCredential())));
        var server = serverServices.BuildServiceProvider();

        void RunClient(Stream stream)
        {
            clientRandom.Reset();
            using var credentials = AuthCredentials.FromPasswords(User, Password);
            var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Database = "db", Timeout = Timeout };
#pragma warning disable CA2025 // Sync blocks until the task completes, before credentials are disposed.
            _ = Sync(PostgreSqlStartup.ConnectAsync(stream, options, client.GetRequiredService<IAuthNegotiatorFactory>(), credentials));
#pragma warning restore CA2025
        }

        void RunServer(Stream stream)
        {
            serverRandom.Reset();
            var options = new PostgreSqlAcceptorOptions { FirstMessageTimeout = Timeout, AuthenticationTimeout = Timeout, IdleTimeout = Timeout };
            var result = Sync(PostgreSqlAcceptorSession.AcceptAsync(stream, options, server.GetRequiredService<IAuthAcceptorFactory>()));
            LastServerSucceeded = result.Authentication is not null;
            CheckServerReason(result.FailureReason);
        }

        var (clientChunks, serverChunks) = Record(RunClient, RunServer);
        return new Recording(clientChunks, serverChunks, RunClient, RunServer);
    }

    /// <summary>A server that ends a session must say why in a typed way: a plugin crash or an unspecified reason on failure is a finding.</summary>
    private static void CheckServerReason(AuthErrorCode reason)
    {
        if (reason == AuthErrorCode.PluginFailure)
        {
            throw new FuzzFindingException($"the server session ended with {reason}");
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2025:Ensure tasks using IDisposable instances complete before the instances are disposed", Justification = "Sync blocks until the task completes.")]
    private static T Sync<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>Runs both sides once over loopback TCP and returns the chunks each wrote, in order.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Disposed at the end of the recording.")]
    private static (List<byte[]> Client, List<byte[]> Server) Record(Action<Stream> runClient, Action<Stream> runServer)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverChunks = new List<byte[]>();
        var clientChunks = new List<byte[]>();
        var serverTask = Task.Run(() =>
        {
            using var socket = listener.AcceptTcpClient();
            using var recording = new RecordingStream(socket.GetStream(), serverChunks);
            runServer(recording);
        });
        using (var tcp = new TcpClient())
        {
            tcp.Connect(IPAddress.Loopback, port);
            using var recording = new RecordingStream(tcp.GetStream(), clientChunks);
            runClient(recording);
            tcp.Client.Shutdown(SocketShutdown.Both);
        }

        if (!serverTask.Wait(Timeout * 2))
        {
            throw new InvalidOperationException("The recorded server did not finish.");
        }

        serverTask.GetAwaiter().GetResult();
        return (clientChunks, serverChunks);
    }

    private sealed record Recording(List<byte[]> ClientChunks, List<byte[]> ServerChunks, Action<Stream> RunClient, Action<Stream> RunServer);

    /// <summary>Passes everything through and keeps a copy of each write.</summary>
    private sealed class RecordingStream(Stream inner, List<byte[]> writes) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (writes)
            {
                writes.Add(buffer.AsSpan(offset, count).ToArray());
            }

            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (writes)
            {
                writes.Add(buffer.ToArray());
            }

            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
