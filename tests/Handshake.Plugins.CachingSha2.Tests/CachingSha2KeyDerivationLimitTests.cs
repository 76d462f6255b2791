using System.Diagnostics.Metrics;
using Handshake.Testing.Conformance.Adapters;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>
/// Full authentication's SHA-256 crypt (and, over a plain transport, the RSA decryption) runs under the
/// engine's key-derivation limiter, as SCRAM's PBKDF2 does: one lease per full authentication, none for
/// the fast path or the public-key request, a queued verify cancelled by the deadline never runs, and a
/// storm never verifies more at once than the limit. Asserted by counting leases and the limiter's
/// queue metric, never by timing (the machine may have two cores).
/// </summary>
public sealed class CachingSha2KeyDerivationLimitTests
{
    private const string EngineLimiter = "engine";
    private static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };
    private static readonly StoredCredential Stored = CachingSha2Credential.FromPassword("secret", iterations: CachingSha2Credential.MinIterations).ToStoredCredential();

    [Fact]
    public async Task RunAsync_CacheMissThenHit_FullAuthenticationTakesOneLeaseAndTheFastPathNone()
    {
        var limiter = new CountingLimiter();
        await using var sp = Services(limiter);

        var first = await RunAsync(sp, "secret", Tls);
        Assert.True(first.Succeeded, first.ClientError?.ToString());
        Assert.Equal(2, first.ServerResult!.Factors[0].Rounds);
        Assert.Equal(1, limiter.Leases);

        var second = await RunAsync(sp, "secret", Tls);
        Assert.True(second.Succeeded, second.ClientError?.ToString());
        Assert.Equal(1, second.ServerResult!.Factors[0].Rounds);
        Assert.Equal(1, limiter.Leases);
    }

    [Fact]
    public async Task RunAsync_FullAuthenticationOverRsaWithKeyRequest_TakesOneLeaseForTheDecryptAndVerify()
    {
        var limiter = new CountingLimiter();
        await using var sp = Services(limiter, retrieveKey: true);

        var result = await RunAsync(sp, "secret", TransportSecurity.None);

        Assert.True(result.Succeeded, result.ClientError?.ToString());
        Assert.Equal(3, result.ServerResult!.Factors[0].Rounds);
        Assert.Equal(1, limiter.Leases);
    }

    [Fact]
    public async Task RunAsync_WrongPasswordAndUnknownUser_VerifyUnderALeaseToo()
    {
        var limiter = new CountingLimiter();
        await using var sp = Services(limiter);

        var wrong = await RunAsync(sp, "not-secret", Tls);
        var unknown = await RunAsync(sp, "secret", Tls, user: "mallory");

        Assert.False(wrong.Succeeded);
        Assert.False(unknown.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, wrong.ServerFailureReason);
        Assert.Equal(AuthErrorCode.InvalidCredential, unknown.ServerFailureReason);
        Assert.Equal(2, limiter.Leases);
    }

    [Fact]
    public async Task ProcessAsync_CancelledWhileItsVerifyIsQueued_ThrowsAndNeverFillsTheCache()
    {
        await using var sp = Services(limiter: null, limit: 1);
        var limiter = sp.GetRequiredService<IKeyDerivationLimiter>();
        var verifier = sp.GetServices<IAuthVerifier>().OfType<CachingSha2Verifier>().Single();
        var cache = sp.GetRequiredService<CachingSha2PasswordCache>();
        var held = await limiter.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        using var cancelled = Start(verifier, limiter);
        using var waiting = Start(verifier, limiter);
        var cancelledStep = await FullAuthenticationAsync(cancelled, cts.Token);
        var waitingStep = await FullAuthenticationAsync(waiting, CancellationToken.None);
        Assert.False(cancelledStep.IsCompleted);
        Assert.False(waitingStep.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledStep.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(waitingStep.IsCompleted);
        Assert.Equal(0, cache.Count);
        held.Dispose();

        var step = await waitingStep.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task RunAsync_TwoHundredConcurrentUncachedLogins_AllQueueForTheLimiterAndSucceed()
    {
        const int Logins = 200;
        using var meters = new ScopedMeterFactory();
        var queued = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name.StartsWith("handshake.key_derivation.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref queued, v));
        listener.Start();
        // The engine's own limiter with a limit of one, its only slot held by the test while the storm starts:
        // no login can finish full authentication (so none fills the cache), every one of them queues, and
        // the queue-length metric says when all have. Counted from outside by a wrapper that sees every lease.
        var limiter = new CountingLimiter();
        await using var sp = Services(limiter, limit: 1, meters: meters, wrapEngineLimiter: true);
        var cache = sp.GetRequiredService<CachingSha2PasswordCache>();
        var held = await sp.GetRequiredKeyedService<IKeyDerivationLimiter>(EngineLimiter).AcquireAsync(CancellationToken.None);

        var logins = Enumerable.Range(0, Logins).Select(_ => Task.Run(() => RunAsync(sp, "secret", Tls))).ToArray();
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (Interlocked.Read(ref queued) < Logins)
            {
                await Task.Delay(20, patience.Token);
            }
        }

        Assert.Equal(0, limiter.Leases);
        Assert.Equal(0, cache.Count);
        held.Dispose();
        var results = await Task.WhenAll(logins).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(results, r => Assert.True(r.Succeeded, r.ClientError?.Code.ToString()));
        Assert.All(results, r => Assert.Equal(2, r.ServerResult!.Factors[0].Rounds));
        Assert.Equal(Logins, limiter.Leases);
        Assert.Equal(1, limiter.MaxHeld);
        Assert.Equal(0, Interlocked.Read(ref queued));
        Assert.Equal(1, cache.Count);
    }

    private static async Task<Task<VerifierStep>> FullAuthenticationAsync(IVerifierExchange exchange, CancellationToken cancellationToken)
    {
        _ = await exchange.BeginAsync(CancellationToken.None);
        var fullAuth = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        Assert.Equal(new byte[] { 0x04 }, fullAuth.Data.ToArray());
        return exchange.ProcessAsync("secret\0"u8.ToArray(), cancellationToken).AsTask();
    }

    private static IVerifierExchange Start(CachingSha2Verifier verifier, IKeyDerivationLimiter limiter) =>
        verifier.Start(new VerifierContext(CachingSha2PluginNames.CachingSha2Password, CachingSha2PluginNames.CachingSha2Password, 1, Tls, new FixedCredentialSource("alice", Stored))
        {
            Random = new FixedRandomSource([0x41]),
            KeyDerivation = limiter,
        });

    private static ServiceProvider Services(CountingLimiter? limiter, int limit = 4, IMeterFactory? meters = null, bool retrieveKey = false, bool wrapEngineLimiter = false)
    {
        var services = new ServiceCollection();
        if (meters is not null)
        {
            services.AddSingleton(meters);
        }

        services.AddHandshake()
            .ConfigureKeyDerivation(o => o.MaxConcurrency = limit)
            .AddCachingSha2(o => o.AllowPublicKeyRetrieval = retrieveKey)
            .AddCachingSha2Verifier(o =>
            {
                o.PrivateKeyPem = TestKeys.ServerPrivatePem;
                o.UnknownUserIterations = CachingSha2Credential.MinIterations;
            })
            .AddAcceptor(o => o.DefaultPlugin = CachingSha2PluginNames.CachingSha2Password)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(CachingSha2PluginNames.CachingSha2Password, Stored)));
        if (limiter is not null)
        {
            // Replaces the engine's limiter (the acceptor resolves IKeyDerivationLimiter); the counting one
            // forwards to the engine's own when asked to, so the queue metric still reports.
            var engine = services.Single(d => d.ServiceType == typeof(IKeyDerivationLimiter));
            services.Remove(engine);
            if (wrapEngineLimiter)
            {
                services.AddKeyedSingleton(typeof(IKeyDerivationLimiter), EngineLimiter, engine.ImplementationType!);
                services.AddSingleton<IKeyDerivationLimiter>(sp => limiter.Wrapping(sp.GetRequiredKeyedService<IKeyDerivationLimiter>(EngineLimiter)));
            }
            else
            {
                services.AddSingleton<IKeyDerivationLimiter>(limiter);
            }
        }

        return services.BuildServiceProvider();
    }

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, string password, TransportSecurity transport, string user = "alice")
    {
        using var credentials = AuthCredentials.FromPasswords(user, password);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(transport);
        using var connection = InMemoryAuthConnection.Create(transport, transport);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection);
    }

    /// <summary>Counts leases and how many are held at once; with an inner limiter it waits on it first.</summary>
    private sealed class CountingLimiter : IKeyDerivationLimiter
    {
        private IKeyDerivationLimiter _inner = IKeyDerivationLimiter.Unbounded;
        private int _leases;
        private int _held;
        private int _maxHeld;

        public int Leases => Volatile.Read(ref _leases);

        public int MaxHeld => Volatile.Read(ref _maxHeld);

        public CountingLimiter Wrapping(IKeyDerivationLimiter inner)
        {
            _inner = inner;
            return this;
        }

        public async ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
        {
            var lease = await _inner.AcquireAsync(cancellationToken);
            Interlocked.Increment(ref _leases);
            var now = Interlocked.Increment(ref _held);
            var seen = Volatile.Read(ref _maxHeld);
            while (now > seen && Interlocked.CompareExchange(ref _maxHeld, now, seen) != seen)
            {
                seen = Volatile.Read(ref _maxHeld);
            }

            return new Lease(this, lease);
        }

        private sealed class Lease(CountingLimiter owner, IDisposable inner) : IDisposable
        {
            private int _disposed;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._held);
                    inner.Dispose();
                }
            }
        }
    }
}
