using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Tests;

/// <summary>
/// The engine's key-derivation limiter: at most MaxConcurrency slots, the rest queued in order, a
/// queued request that is cancelled (or whose handshake deadline passes) never runs, and the queue
/// length and slot time are metrics.
/// </summary>
public sealed class KeyDerivationLimiterTests
{
    [Fact]
    public async Task AcquireAsync_BeyondTheLimit_QueuesInOrderAndHandsSlotsOn()
    {
        await using var host = Host(2);
        var limiter = host.Services.GetRequiredService<IKeyDerivationLimiter>();

        var first = limiter.AcquireAsync(CancellationToken.None);
        var second = limiter.AcquireAsync(CancellationToken.None);
        var third = limiter.AcquireAsync(CancellationToken.None).AsTask();
        var fourth = limiter.AcquireAsync(CancellationToken.None).AsTask();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);

        var firstLease = await first;
        firstLease.Dispose();
        firstLease.Dispose(); // a second Dispose frees nothing more
        using (await third.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.False(fourth.IsCompleted);
        }

        (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        (await second).Dispose();

        // Both slots are free again: two more are granted at once.
        var again = new[] { limiter.AcquireAsync(CancellationToken.None), limiter.AcquireAsync(CancellationToken.None) };
        Assert.All(again, a => Assert.True(a.IsCompletedSuccessfully));
        foreach (var lease in again)
        {
            (await lease).Dispose();
        }
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileQueued_ThrowsAndNeverTakesASlot()
    {
        await using var host = Host(1);
        var limiter = host.Services.GetRequiredService<IKeyDerivationLimiter>();
        var held = await limiter.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var queued = limiter.AcquireAsync(cts.Token).AsTask();
        var behind = limiter.AcquireAsync(CancellationToken.None).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(TimeSpan.FromSeconds(10)));
        held.Dispose();

        // The slot skips the cancelled request and goes to the one behind it.
        (await behind.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.True(limiter.AcquireAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AcquireAsync_ManyRacingGrantsAndCancellations_LoseNoSlotAndNeverExceedTheLimit()
    {
        await using var host = Host(3);
        var limiter = host.Services.GetRequiredService<IKeyDerivationLimiter>();
        var active = 0;
        var peak = 0;
        var attempts = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromTicks(i % 7 * 1000));
            try
            {
                using (await limiter.AcquireAsync(i % 2 == 0 ? cts.Token : CancellationToken.None))
                {
                    var now = Interlocked.Increment(ref active);
                    int seen;
                    while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen)
                    {
                    }

                    await Task.Yield();
                    Interlocked.Decrement(ref active);
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled while queued: never ran.
            }
        })).ToArray();

        await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.InRange(peak, 1, 3);
        var leases = new[] { limiter.AcquireAsync(CancellationToken.None), limiter.AcquireAsync(CancellationToken.None), limiter.AcquireAsync(CancellationToken.None) };
        Assert.All(leases, l => Assert.True(l.IsCompletedSuccessfully, "a slot was lost"));
        Assert.False(limiter.AcquireAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCancelled_ThrowsAtOnce()
    {
        await using var host = Host(4);
        var limiter = host.Services.GetRequiredService<IKeyDerivationLimiter>();

        var attempt = limiter.AcquireAsync(new CancellationToken(canceled: true));

        Assert.True(attempt.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attempt.AsTask());
    }

    [Fact]
    public async Task HandleAsync_DeadlinePassesWhileTheDerivationIsQueued_FailsWithTimeoutAndNeverDerives()
    {
        var plugin = new DerivingPlugin();
        await using var host = Host(1, b => b.AddPlugin(plugin), o => o.RoundTimeout = TimeSpan.FromSeconds(5));
        var limiter = host.Services.GetRequiredService<IKeyDerivationLimiter>();
        using var held = await limiter.AcquireAsync(CancellationToken.None); // another login holds the only slot
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(credentials);

        var pending = negotiator.HandleAsync(AuthEvent.Begin(DerivingPlugin.PluginName)).AsTask();
        Assert.False(pending.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(6));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(AuthErrorCode.Timeout, ex.Code);
        Assert.Equal(0, plugin.Derivations);
    }

    [Fact]
    public async Task AcquireAsync_QueueAndSlotTime_AreMetrics()
    {
        using var factory = new ScopedMeterFactory();
        var queue = new ConcurrentQueue<long>();
        var durations = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name.StartsWith("handshake.key_derivation.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            if (i.Name == "handshake.key_derivation.queue_length")
            {
                queue.Enqueue(v);
            }
        });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) =>
        {
            if (i.Name == "handshake.key_derivation.duration")
            {
                durations.Enqueue(v);
            }
        });
        listener.Start();
        await using var host = Host(1, services: s => s.AddSingleton<IMeterFactory>(factory));
        var limiter = host.Services.GetRequiredService<IKeyDerivationLimiter>();

        var held = await limiter.AcquireAsync(CancellationToken.None);
        var queued = new[] { limiter.AcquireAsync(CancellationToken.None).AsTask(), limiter.AcquireAsync(CancellationToken.None).AsTask() };
        var peak = queue.Sum();
        held.Dispose();
        foreach (var next in queued)
        {
            (await next.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        }

        Assert.Equal(2, peak);
        Assert.Equal(0, queue.Sum());
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d => Assert.True(d >= 0));
    }

    [Fact]
    public async Task Create_MaxConcurrencyBelowOne_FailsAtStartUp()
    {
        await using var host = Host(0);
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IAuthNegotiatorFactory>());
        Assert.Contains("KeyDerivationOptions.MaxConcurrency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contexts_CarryTheEngineLimiter()
    {
        var plugin = new DerivingPlugin();
        await using var host = Host(3, b => b.AddPlugin(plugin));
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(credentials);

        await negotiator.HandleAsync(AuthEvent.Begin(DerivingPlugin.PluginName));

        Assert.Same(host.Services.GetRequiredService<IKeyDerivationLimiter>(), plugin.Limiter);
        Assert.Equal(1, plugin.Derivations);
    }

    private static TestHost Host(int limit, Action<IHandshakeBuilder>? register = null, Action<HandshakeOptions>? options = null, Action<IServiceCollection>? services = null) =>
        new(
            b =>
            {
                b.ConfigureKeyDerivation(o => o.MaxConcurrency = limit);
                register?.Invoke(b);
            },
            options,
            services);

    /// <summary>A plugin that derives under a slot of the context's limiter and counts how often it derived.</summary>
    private sealed class DerivingPlugin : IAuthPlugin
    {
        public const string PluginName = "deriving";

        private int _derivations;

        public string Name => PluginName;

        public AuthSecretUse SecretUse => AuthSecretUse.Derived;

        public int Derivations => Volatile.Read(ref _derivations);

        public IKeyDerivationLimiter? Limiter { get; private set; }

        public IAuthExchange Start(AuthExchangeContext context)
        {
            Limiter = context.KeyDerivation;
            return new Exchange(this, context);
        }

        private sealed class Exchange(DerivingPlugin owner, AuthExchangeContext context) : IAuthExchange
        {
            public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
            {
                using (await context.KeyDerivation.AcquireAsync(cancellationToken))
                {
                    Interlocked.Increment(ref owner._derivations);
                    return AuthReply.Send(System.Security.Cryptography.SHA256.HashData(context.RequireSecret().Bytes));
                }
            }

            public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
