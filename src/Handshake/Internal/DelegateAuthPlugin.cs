namespace Handshake.Internal;

/// <summary>A plugin written as a function (mysql2's <c>authPlugins</c> form).</summary>
internal sealed class DelegateAuthPlugin(string name, AuthSecretUse secretUse, Func<AuthExchangeContext, AuthRoundHandler> factory) : IAuthPlugin
{
    public string Name { get; } = name;

    public AuthSecretUse SecretUse { get; } = secretUse;

    public IAuthExchange Start(AuthExchangeContext context) => new Exchange(factory(context));

    private sealed class Exchange(AuthRoundHandler handler) : IAuthExchange
    {
        public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
        {
            var pending = handler(serverData, cancellationToken);
            return AuthReply.Send(pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false));
        }

        public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
        {
        }

        public void Dispose()
        {
        }
    }
}
