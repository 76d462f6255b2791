using System.Diagnostics.Metrics;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Handshake.Benchmarks;

/// <summary>
/// One whole login to the real PostgreSQL 15 that tests/run.sh starts on 127.0.0.1, per invocation: TCP connect,
/// StartupMessage, SCRAM-SHA-256 (4096 iterations, no TLS, so no channel binding), ParameterStatus and
/// BackendKeyData up to ReadyForQuery, then Terminate and close. Npgsql (<c>Pooling=false</c>, SSL off, open and
/// close) is the baseline; ours is <see cref="PostgreSqlStartup.ConnectAsync"/> over a plain <see cref="TcpClient"/>,
/// cold (every login runs PBKDF2) and with the derived-key cache warmed in its setup (a reconnect skips PBKDF2).
/// The server's work (its own PBKDF2-free verify, forking a backend) is in every row.
/// Excluded from <c>--filter '*'</c> when the PostgreSQL variables are absent (see Program.cs); named without
/// them, it fails with <see cref="PostgreSqlBenchServer.MissingMessage"/>.
/// Loopback logins on a shared machine are noisy: the median and minimum columns are shown beside the mean.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
[BenchmarkCategory(Category)]
public class PostgreSqlLoginBenchmarks
{
    /// <summary>The category that selects this class (<c>--anyCategories EndToEnd</c>).</summary>
    public const string Category = "EndToEnd";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly byte[] Terminate = [(byte)'X', 0, 0, 0, 4];

    private PostgreSqlBenchServer _server = null!;
    private string _npgsqlConnectionString = "";
    private ServiceProvider? _services;
    private IAuthNegotiatorFactory _factory = null!;
    private AuthCredentials _credentials = null!;
    private PostgreSqlClientOptions _options = null!;

    [GlobalSetup(Target = nameof(NpgsqlOpenClose))]
    public async Task SetupNpgsqlAsync()
    {
        _server = PostgreSqlBenchServer.Start();
        _npgsqlConnectionString = _server.NpgsqlConnectionString();

        // Logged in as the benchmark's role over TCP (pg_hba: scram-sha-256 for host connections), unencrypted.
        var connection = new NpgsqlConnection(_npgsqlConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync().ConfigureAwait(false);
        var command = new NpgsqlCommand("SELECT current_user || ' ' || (SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid())", connection);
        await using var commandScope = command.ConfigureAwait(false);
        var who = await command.ExecuteScalarAsync().ConfigureAwait(false) as string;
        if (who != PostgreSqlBenchServer.Role + " false")
        {
            throw new InvalidOperationException($"Npgsql logged in as '{who}', not as {PostgreSqlBenchServer.Role} without TLS.");
        }
    }

    [GlobalSetup(Target = nameof(OursCold))]
    public async Task SetupColdAsync()
    {
        Build(cache: false);

        // Cache off: two logins, two derivations under the limiter, the cache never consulted.
        var (slots, hits, misses) = await CountDerivationsAsync(2).ConfigureAwait(false);
        if (slots != 2 || hits != 0 || misses != 0)
        {
            throw new InvalidOperationException($"Two cold logins took {slots} key-derivation slots (cache: {hits} hits, {misses} misses), not 2 with the cache unused: the cold row would not measure PBKDF2.");
        }
    }

    [GlobalSetup(Target = nameof(OursCached))]
    public async Task SetupCachedAsync()
    {
        Build(cache: true);
        await LoginAsync(check: true).ConfigureAwait(false);

        // Warm: the next logins find the role's salt and iteration count in the cache and run no PBKDF2.
        var (_, hits, misses) = await CountDerivationsAsync(2).ConfigureAwait(false);
        if (hits != 2 || misses != 0)
        {
            throw new InvalidOperationException($"Two logins with a warm cache had {hits} cache hits and {misses} misses, not 2 and 0: the cached row would measure PBKDF2.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _credentials?.Dispose();
        _services?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Npgsql open + close (Pooling=false, SSL off)")]
    public async Task NpgsqlOpenClose()
    {
        var connection = new NpgsqlConnection(_npgsqlConnectionString);
        await using var scope = connection.ConfigureAwait(false);
        await connection.OpenAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "Handshake PostgreSqlStartup, cold (PBKDF2 per login)")]
    public Task OursCold() => LoginAsync(check: false);

    [Benchmark(Description = "Handshake PostgreSqlStartup, derived-key cache warm")]
    public Task OursCached() => LoginAsync(check: false);

    private void Build(bool cache)
    {
        _server = PostgreSqlBenchServer.Start();
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScram(o => o.UseDerivedKeyCache = cache);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _factory = _services.GetRequiredService<IAuthNegotiatorFactory>();
        _credentials = AuthCredentials.FromPasswords(PostgreSqlBenchServer.Role, _server.Password);
        _options = new PostgreSqlClientOptions { Database = "postgres", TlsMode = ClientTlsMode.Disable, Timeout = Deadline };
    }

    private async Task LoginAsync(bool check)
    {
        using var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        using var deadline = new CancellationTokenSource(Deadline);
        await tcp.ConnectAsync(_server.Host, _server.Port, deadline.Token).ConfigureAwait(false);
        var stream = tcp.GetStream();
        await using var streamScope = stream.ConfigureAwait(false);
        var result = await PostgreSqlStartup.ConnectAsync(stream, _options, _factory, _credentials, deadline.Token).ConfigureAwait(false);

        // Terminate, as Npgsql's close sends it: the backend exits without logging an unexpected EOF.
        await result.Stream.WriteAsync(Terminate, deadline.Token).ConfigureAwait(false);
        await result.Stream.FlushAsync(deadline.Token).ConfigureAwait(false);
        if (check
            && (result.TransactionStatus != 'I'
                || result.Transport.IsEncrypted
                || result.Mechanism != ScramPluginNames.ScramSha256
                || !result.ServerParameters.TryGetValue("session_authorization", out var user)
                || user != PostgreSqlBenchServer.Role
                || !result.ServerParameters.TryGetValue("server_version", out var version)
                || !version.StartsWith("15", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"Our login did not end as {PostgreSqlBenchServer.Role} on PostgreSQL 15 over SCRAM-SHA-256 without TLS, idle: {result.Mechanism}, status '{result.TransactionStatus}'.");
        }
    }

    /// <summary>
    /// Runs checked logins while listening to the engine's key-derivation histogram (one slot per SCRAM client-final,
    /// whether or not the cache answers), and returns the slots taken with the derived-key cache's hit and miss
    /// counts over the logins. The cache is internal to the SCRAM plugin: read through reflection, as a check only.
    /// </summary>
    private async Task<(int Slots, long Hits, long Misses)> CountDerivationsAsync(int logins)
    {
        var cache = KeyCache();
        var (hits, misses) = (CacheCount(cache, "Hits"), CacheCount(cache, "Misses"));
        var slots = 0;
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Handshake" && instrument.Name == "handshake.key_derivation.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref slots));
            listener.Start();
            for (var i = 0; i < logins; i++)
            {
                await LoginAsync(check: true).ConfigureAwait(false);
            }
        }

        return (Volatile.Read(ref slots), CacheCount(cache, "Hits") - hits, CacheCount(cache, "Misses") - misses);
    }

    private object KeyCache()
    {
        var type = typeof(ScramPluginNames).Assembly.GetType("Handshake.Plugins.Scram.Internal.ScramKeyCache")
            ?? throw new InvalidOperationException("The SCRAM plugin has no Internal.ScramKeyCache type any more; the cache check cannot run.");
        return _services!.GetService(type) ?? throw new InvalidOperationException("The container holds no ScramKeyCache.");
    }

    private static long CacheCount(object cache, string property) =>
        cache.GetType().GetProperty(property)?.GetValue(cache) as long?
        ?? throw new InvalidOperationException($"ScramKeyCache has no {property} property any more; the cache check cannot run.");
}
