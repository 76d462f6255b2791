using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// SCRAM's PBKDF2 runs under the engine's key-derivation limiter: a storm of cold logins never runs
/// more derivations at once than the limit, the rest queue (visible in the queue-length metric), and a
/// queued derivation that is cancelled never runs. Thread-pool latency under a storm, with and without
/// the limit, is measured in bench/ (<c>--derivation-storm</c>), not here.
/// </summary>
public sealed class ScramKeyDerivationLimitTests
{
    private const int Limit = 2;
    private const int Logins = 500;

    [Fact]
    public async Task RunAsync_FiveHundredConcurrentColdLogins_AllSucceedAndNeverDeriveBeyondTheLimit()
    {
        var deriver = new CountingDeriver();
        using var meters = new ScopedMeterFactory();
        var queue = new ConcurrentQueue<long>();
        var slots = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name.StartsWith("handshake.key_derivation.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => queue.Enqueue(v));
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref slots));
        listener.Start();
        // A limit of one: on a quiet two-core machine the pool runs two logins at once, so with a limit of
        // two nothing would ever wait; with one, the second login meets the first one's derivation.
        await using var sp = Build(deriver, meters, limit: 1);
        using var credentials = AuthCredentials.FromPasswords("alice", "correct horse");

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logins = Enumerable.Range(0, Logins).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            using var client = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials);
            using var server = sp.GetRequiredService<IAuthAcceptorFactory>().Create();
            return await InMemoryHandshake.RunAsync(client, server);
        })).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(logins).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(results, r => Assert.True(r.Succeeded, r.ClientError?.Code.ToString()));
        Assert.Equal(Logins, deriver.Derivations);
        Assert.Equal(1, deriver.MaxConcurrent);
        Assert.True(MaxRunningSum(queue) > 0, "no derivation ever queued: the storm did not reach the limiter");
        Assert.Equal(0, queue.Sum());
        Assert.Equal(Logins, Volatile.Read(ref slots));
    }

    [Fact]
    public async Task RespondAsync_CancelledWhileItsDerivationIsQueued_ThrowsAndNeverDerives()
    {
        var deriver = new CountingDeriver();
        await using var sp = Build(deriver, meters: null, limit: 1);
        var limiter = sp.GetRequiredService<IKeyDerivationLimiter>();
        using var held = await limiter.AcquireAsync(CancellationToken.None);
        using var credentials = AuthCredentials.FromPasswords("alice", "correct horse");
        var context = new AuthExchangeContext("SCRAM-SHA-256", 1, credentials, TransportSecurity.None, sp.GetRequiredService<IAuthSecurityPolicy>()) { KeyDerivation = limiter };
        using var exchange = new ScramClientExchange(context, ScramHash.Sha256, plus: false, new ScramOptions(), null, deriver, _ => "clientnonce");
        await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var final = exchange.RespondAsync(Encoding.ASCII.GetBytes("r=clientnonceSERVER,s=QSXCR+Q6sek8bf92,i=4096"), cts.Token).AsTask();
        Assert.False(final.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => final.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, deriver.Derivations);
        held.Dispose();
        await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(Encoding.ASCII.GetBytes("v=AAAA"), CancellationToken.None).AsTask());
        Assert.Equal(0, deriver.Derivations);
    }

    [Fact]
    public async Task RespondAsync_DerivedKeyCacheHitWhileEverySlotIsHeld_AnswersAtOnceWithoutDeriving()
    {
        var deriver = new CountingDeriver();
        await using var sp = Build(deriver, meters: null, limit: 1);
        var limiter = sp.GetRequiredService<IKeyDerivationLimiter>();
        using var credentials = AuthCredentials.FromPasswords("alice", "correct horse");
        var context = new AuthExchangeContext("SCRAM-SHA-256", 1, credentials, TransportSecurity.None, sp.GetRequiredService<IAuthSecurityPolicy>()) { KeyDerivation = limiter };
        var options = new ScramOptions { UseDerivedKeyCache = true };
        using var cache = new ScramKeyCache(4);
        var serverFirst = Encoding.ASCII.GetBytes("r=clientnonceSERVER,s=QSXCR+Q6sek8bf92,i=4096");
        using var cold = new ScramClientExchange(context, ScramHash.Sha256, plus: false, options, cache, deriver, _ => "clientnonce");
        await cold.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        var coldFinal = (await cold.RespondAsync(serverFirst, CancellationToken.None)).Data.ToArray();
        using var held = await limiter.AcquireAsync(CancellationToken.None);

        // Every slot is held by a (pretend) cold derivation: a cached reconnect must not queue behind it.
        using var cached = new ScramClientExchange(context, ScramHash.Sha256, plus: false, options, cache, deriver, _ => "clientnonce");
        await cached.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        var final = cached.RespondAsync(serverFirst, CancellationToken.None);

        Assert.True(final.IsCompletedSuccessfully, "a derived-key cache hit waited for a key-derivation slot");
        Assert.Equal(coldFinal, (await final).Data.ToArray());
        Assert.Equal(1, deriver.Derivations);
        Assert.Equal((1, 1), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task CreateAsync_QueuedBehindAHeldSlot_WaitsAndIsCancellable()
    {
        await using var sp = Build(new CountingDeriver(), meters: null, limit: 1);
        var limiter = sp.GetRequiredService<IKeyDerivationLimiter>();
        var held = await limiter.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var cancelled = ScramCredential.CreateAsync("pw", SystemRandomSource.Instance, 4096, limiter, cts.Token).AsTask();
        var waiting = ScramCredential.CreateAsync("pw", new PinnedRandom(3), 4096, limiter).AsTask();
        Assert.False(cancelled.IsCompleted);
        Assert.False(waiting.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10)));
        held.Dispose();

        var credential = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ScramCredential.Create("pw", new PinnedRandom(3), 4096).Format(), credential.Format());
    }

    private static long MaxRunningSum(IEnumerable<long> deltas)
    {
        long sum = 0, max = 0;
        foreach (var delta in deltas)
        {
            sum += delta;
            max = Math.Max(max, sum);
        }

        return max;
    }

    private static ServiceProvider Build(CountingDeriver deriver, IMeterFactory? meters, int limit = Limit)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IScramKeyDeriver>(deriver);
        if (meters is not null)
        {
            services.AddSingleton(meters);
        }

        services.AddHandshake()
            .ConfigureKeyDerivation(o => o.MaxConcurrency = limit)
            .AddScram()
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create("correct horse", new PinnedRandom(11), 4096).ToStoredCredential())));
        return services.BuildServiceProvider();
    }

    /// <summary>The real PBKDF2, counting how many run and how many ran at once.</summary>
    private sealed class CountingDeriver : IScramKeyDeriver
    {
        private int _active;
        private int _max;
        private int _derivations;

        public int Derivations => Volatile.Read(ref _derivations);

        public int MaxConcurrent => Volatile.Read(ref _max);

        public void DeriveSaltedPassword(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
        {
            var now = Interlocked.Increment(ref _active);
            InterlockedMax(ref _max, now);
            Interlocked.Increment(ref _derivations);
            try
            {
                Pbkdf2ScramKeyDeriver.Instance.DeriveSaltedPassword(hash, preparedPassword, salt, iterations, destination);
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current)
            {
                var seen = Interlocked.CompareExchange(ref target, value, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }
}
