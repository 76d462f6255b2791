using System.Collections.Concurrent;

namespace Handshake.Hardening.Tests;

/// <summary>What the fault injector did, per kind, across a soak.</summary>
internal sealed class FaultCounters
{
    private long _drops;
    private long _delays;
    private long _duplicates;
    private long _reorders;
    private long _cancellations;

    public long Drops => Interlocked.Read(ref _drops);

    public long Delays => Interlocked.Read(ref _delays);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Reorders => Interlocked.Read(ref _reorders);

    public long Cancellations => Interlocked.Read(ref _cancellations);

    public long Total => Drops + Delays + Duplicates + Reorders + Cancellations;

    public void Drop() => Interlocked.Increment(ref _drops);

    public void Delay() => Interlocked.Increment(ref _delays);

    public void Duplicate() => Interlocked.Increment(ref _duplicates);

    public void Reorder() => Interlocked.Increment(ref _reorders);

    public void Cancel() => Interlocked.Increment(ref _cancellations);

    public override string ToString() =>
        $"drops {Drops}, delays {Delays}, duplicates {Duplicates}, reorders {Reorders}, cancellations {Cancellations}";
}

/// <summary>
/// Decides, from a seeded <see cref="Random"/> per handshake, what happens to each message sent in one
/// direction: delivered, dropped, delayed, duplicated, or held back and delivered after the next one
/// (reordered; if no next one comes within a moment, it is delivered late).
/// </summary>
internal sealed class FaultPlan(Random random, FaultCounters counters, double faultRate)
{
    private readonly Lock _gate = new();

    public FaultCounters Counters => counters;

    public enum Fault
    {
        None,
        Drop,
        Delay,
        Duplicate,
        Reorder,
    }

    public (Fault Fault, int DelayMs) Next()
    {
        lock (_gate)
        {
            if (random.NextDouble() >= faultRate)
            {
                return (Fault.None, 0);
            }

            var fault = (Fault)(1 + random.Next(4));
            var delay = random.Next(1, 30);
            switch (fault)
            {
                case Fault.Drop: counters.Drop(); break;
                case Fault.Delay: counters.Delay(); break;
                case Fault.Duplicate: counters.Duplicate(); break;
                default: counters.Reorder(); break;
            }

            return (fault, delay);
        }
    }
}

/// <summary>Applies a <see cref="FaultPlan"/> to one direction of a connection.</summary>
internal sealed class FaultyLink<T>(Func<T, CancellationToken, ValueTask> deliver, FaultPlan plan)
{
    private readonly ConcurrentQueue<T> _held = new();

    public async ValueTask SendAsync(T message, CancellationToken cancellationToken)
    {
        var (fault, delay) = plan.Next();
        switch (fault)
        {
            case FaultPlan.Fault.Drop:
                return;
            case FaultPlan.Fault.Delay:
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            case FaultPlan.Fault.Duplicate:
                await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
                await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            case FaultPlan.Fault.Reorder:
                _held.Enqueue(message);
                _ = ReleaseLaterAsync(delay);
                return;
            default:
                await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    private async ValueTask DeliverAsync(T message, CancellationToken cancellationToken)
    {
        await deliver(message, cancellationToken).ConfigureAwait(false);

        // A message held back for reordering goes out after this one.
        while (_held.TryDequeue(out var held))
        {
            await deliver(held, cancellationToken).ConfigureAwait(false);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A late delivery to a connection that has closed is simply lost, as on a network.")]
    private async Task ReleaseLaterAsync(int delayMs)
    {
        try
        {
            await Task.Delay(delayMs * 3).ConfigureAwait(false);
            while (_held.TryDequeue(out var held))
            {
                await deliver(held, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
        }
    }
}

/// <summary>Client end with faults injected into what it sends.</summary>
internal sealed class FaultyClientTransport(IAuthTransport inner, FaultPlan plan) : IAuthTransport
{
    private readonly FaultyLink<AuthClientMessage> _link = new(inner.SendAsync, plan);

    public TransportSecurity Security => inner.Security;

    public ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken) => inner.ReceiveAsync(cancellationToken);

    public ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken) => _link.SendAsync(message, cancellationToken);
}

/// <summary>Server end with faults injected into what it sends.</summary>
internal sealed class FaultyServerTransport(IAcceptorTransport inner, FaultPlan plan) : IAcceptorTransport
{
    private readonly FaultyLink<AuthEvent> _link = new(inner.SendAsync, plan);

    public TransportSecurity Security => inner.Security;

    public ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken) => inner.ReceiveAsync(cancellationToken);

    public ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken) => _link.SendAsync(authEvent, cancellationToken);
}

/// <summary>Counts exchanges started and disposed, on both sides.</summary>
internal sealed class ExchangeCounter
{
    private long _started;
    private long _disposed;

    public long Started => Interlocked.Read(ref _started);

    public long Disposed => Interlocked.Read(ref _disposed);

    public void OnStart() => Interlocked.Increment(ref _started);

    public void OnDispose() => Interlocked.Increment(ref _disposed);
}

/// <summary>A plugin wrapper that counts Start and Dispose of its exchanges.</summary>
internal sealed class CountingPlugin(IAuthPlugin inner, ExchangeCounter counter) : IAuthPlugin
{
    public string Name => inner.Name;

    public int GetOfferPreference(AuthExchangeContext context) => inner.GetOfferPreference(context);

    public AuthSecretUse SecretUse => inner.SecretUse;

    public IAuthExchange Start(AuthExchangeContext context)
    {
        var exchange = inner.Start(context);
        counter.OnStart();
        return new Exchange(exchange, counter);
    }

    private sealed class Exchange(IAuthExchange inner, ExchangeCounter counter) : IAuthExchange
    {
        private int _disposed;

        public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken) => inner.RespondAsync(serverData, cancellationToken);

        public void OnServerAccepted(ReadOnlyMemory<byte> finalData) => inner.OnServerAccepted(finalData);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                counter.OnDispose();
            }

            inner.Dispose();
        }
    }
}

/// <summary>A verifier wrapper that counts Start and Dispose of its exchanges.</summary>
internal sealed class CountingVerifier(IAuthVerifier inner, ExchangeCounter counter) : IAuthVerifier
{
    public string Name => inner.Name;

    public bool UsesServerStoredPassword => inner.UsesServerStoredPassword;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport) => inner.GetMechanisms(transport);

    public IVerifierExchange Start(VerifierContext context)
    {
        var exchange = inner.Start(context);
        counter.OnStart();
        return new Exchange(exchange, counter);
    }

    private sealed class Exchange(IVerifierExchange inner, ExchangeCounter counter) : IVerifierExchange
    {
        private int _disposed;

        public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => inner.BeginAsync(cancellationToken);

        public ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken) => inner.ProcessAsync(clientData, cancellationToken);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                counter.OnDispose();
            }

            inner.Dispose();
        }
    }
}
