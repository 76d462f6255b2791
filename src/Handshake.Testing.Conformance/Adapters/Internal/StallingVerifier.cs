namespace Handshake.Testing.Conformance.Adapters.Internal;

/// <summary>A verifier that opens as the one it wraps (a greeting's scramble stays real) and then never decides: its processing awaits until cancelled.</summary>
internal sealed class StallingVerifier(IAuthVerifier inner) : IAuthVerifier
{
    public string Name => inner.Name;

    public bool UsesServerStoredPassword => inner.UsesServerStoredPassword;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport) => inner.GetMechanisms(transport);

    public IVerifierExchange Start(VerifierContext context) => new Exchange(inner.Start(context));

    private sealed class Exchange(IVerifierExchange opened) : IVerifierExchange
    {
        public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => opened.BeginAsync(cancellationToken);

        public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("An infinite delay ended without cancellation.");
        }

        public void Dispose() => opened.Dispose();
    }
}
