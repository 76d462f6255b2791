namespace Handshake.Internal;

/// <summary>A verifier written as functions: optional initial data, then one handler per client message.</summary>
internal sealed class DelegateAuthVerifier(
    string name,
    Func<VerifierContext, VerifierRoundHandler> factory,
    Func<VerifierContext, ReadOnlyMemory<byte>>? initialData) : IAuthVerifier
{
    public string Name { get; } = name;

    public IVerifierExchange Start(VerifierContext context) => new Exchange(context, factory(context), initialData);

    private sealed class Exchange(VerifierContext context, VerifierRoundHandler handler, Func<VerifierContext, ReadOnlyMemory<byte>>? initialData) : IVerifierExchange
    {
        public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(initialData is null ? ReadOnlyMemory<byte>.Empty : initialData(context));

        public ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken) => handler(clientData, cancellationToken);

        public void Dispose()
        {
        }
    }
}
