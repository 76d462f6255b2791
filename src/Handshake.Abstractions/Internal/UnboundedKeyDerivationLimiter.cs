namespace Handshake.Internal;

/// <summary>A limiter that grants every request at once, for contexts built without an engine.</summary>
internal sealed class UnboundedKeyDerivationLimiter : IKeyDerivationLimiter
{
    private static readonly ValueTask<IDisposable> Granted = new(new Lease());

    public ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<IDisposable>(cancellationToken) : Granted;

    private sealed class Lease : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
