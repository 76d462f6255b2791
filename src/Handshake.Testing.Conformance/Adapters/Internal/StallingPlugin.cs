namespace Handshake.Testing.Conformance.Adapters.Internal;

/// <summary>A client plugin that starts as the one it wraps and then never answers: its round awaits until cancelled.</summary>
internal sealed class StallingPlugin(IAuthPlugin inner) : IAuthPlugin
{
    public string Name => inner.Name;

    public AuthSecretUse SecretUse => inner.SecretUse;

    public int GetOfferPreference(AuthExchangeContext context) => inner.GetOfferPreference(context);

    public IAuthExchange Start(AuthExchangeContext context) => new Exchange();

    private sealed class Exchange : IAuthExchange
    {
        public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("An infinite delay ended without cancellation.");
        }

        public void OnServerAccepted(ReadOnlyMemory<byte> finalData) => throw new InvalidOperationException("A stalling plugin never completes.");

        public void Dispose()
        {
        }
    }
}
