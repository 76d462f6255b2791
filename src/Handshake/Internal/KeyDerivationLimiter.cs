using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

/// <summary>
/// The engine's key-derivation limiter: at most <see cref="KeyDerivationOptions.MaxConcurrency"/>
/// leases at once, the rest waiting in first-come order without holding a thread. A freed slot is
/// handed to the next waiter through the thread pool's global queue, behind work already waiting
/// there: a thread serves its own local queue first, so a chain of derivations handed on locally
/// would starve every other work item of that thread, which is the stall this class exists to prevent.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "A lease is handed to the caller, whose Dispose frees the slot.")]
internal sealed class KeyDerivationLimiter : IKeyDerivationLimiter
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly HandshakeTelemetry _telemetry;
    private int _available;

    public KeyDerivationLimiter(IOptions<KeyDerivationOptions> options, HandshakeTelemetry telemetry)
    {
        _available = options.Value.MaxConcurrency;
        _telemetry = telemetry;
    }

    public ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IDisposable>(cancellationToken);
        }

        Waiter waiter;
        lock (_gate)
        {
            if (_available > 0)
            {
                _available--;
                return new ValueTask<IDisposable>(new Lease(this));
            }

            waiter = new Waiter(this);
            waiter.Node = _queue.AddLast(waiter);
        }

        _telemetry.KeyDerivationQueued(1);
        if (cancellationToken.CanBeCanceled)
        {
            // Registered once queued, so a token cancelled meanwhile finds the waiter and removes it; kept
            // only while still queued, so a grant or a cancellation that came first leaves nothing registered.
            var registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter);
            lock (_gate)
            {
                if (waiter.Node is not null)
                {
                    waiter.Registration = registration;
                    return new ValueTask<IDisposable>(waiter.Task);
                }
            }

            registration.Unregister();
        }

        return new ValueTask<IDisposable>(waiter.Task);
    }

    private void Release()
    {
        Waiter next;
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            if (_queue.First is not { } first)
            {
                _available++;
                return;
            }

            next = first.Value;
            _queue.RemoveFirst();
            next.Node = null;
            registration = next.Registration;
        }

        _telemetry.KeyDerivationQueued(-1);
        registration.Unregister();
        ThreadPool.UnsafeQueueUserWorkItem(static waiter => waiter.Grant(), next, preferLocal: false);
    }

    /// <summary>A queued request. Its continuation runs inline when completed, always from a work item of the global queue.</summary>
    private sealed class Waiter(KeyDerivationLimiter owner) : TaskCompletionSource<IDisposable>(TaskCreationOptions.None)
    {
        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Grant() => TrySetResult(new Lease(owner));

        public void Cancel(CancellationToken token)
        {
            lock (owner._gate)
            {
                if (Node is null)
                {
                    return; // granted already: the slot is this waiter's, and its lease frees it
                }

                owner._queue.Remove(Node);
                Node = null;
            }

            owner._telemetry.KeyDerivationQueued(-1);

            // Not inline: the canceller (a timer, Dispose) should not run the handshake's failure path.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Waiter.TrySetCanceled(state.Token), (Waiter: this, Token: token), preferLocal: false);
        }
    }

    /// <summary>One slot; disposing it records how long it was held and hands it on.</summary>
    private sealed class Lease(KeyDerivationLimiter owner) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            owner._telemetry.KeyDerivationCompleted(Stopwatch.GetElapsedTime(_start));
            owner.Release();
        }
    }
}
