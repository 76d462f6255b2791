namespace Handshake.Internal;

/// <summary>A verifier written as functions: optional initial data (a challenge), then one handler per client message.</summary>
internal sealed class DelegateAuthVerifier(
    string name,
    Func<VerifierContext, ReadOnlyMemory<byte>>? initialData,
    Func<VerifierContext, ReadOnlyMemory<byte>, VerifierRoundHandler> factory) : IAuthVerifier
{
    public string Name { get; } = name;

    public IVerifierExchange Start(VerifierContext context) => new Exchange(context, initialData, factory);

    private sealed class Exchange(VerifierContext context, Func<VerifierContext, ReadOnlyMemory<byte>>? initialData, Func<VerifierContext, ReadOnlyMemory<byte>, VerifierRoundHandler> factory) : IVerifierExchange
    {
        private VerifierRoundHandler? _handler;

        public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken)
        {
            var initial = initialData is null ? ReadOnlyMemory<byte>.Empty : initialData(context);
            _handler = factory(context, initial);
            return ValueTask.FromResult(initial);
        }

        public ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken) =>
            (_handler ??= factory(context, ReadOnlyMemory<byte>.Empty))(clientData, cancellationToken);

        public void Dispose()
        {
        }
    }
}
