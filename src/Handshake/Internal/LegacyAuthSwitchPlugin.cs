namespace Handshake.Internal;

/// <summary>Adapts mysql2's deprecated single <c>authSwitchHandler</c> callback to the plugin contract.</summary>
internal sealed class LegacyAuthSwitchPlugin(LegacyAuthSwitchHandler handler)
{
    public IAuthPlugin For(string pluginName) => new Plugin(pluginName, handler);

    private sealed class Plugin(string name, LegacyAuthSwitchHandler handler) : IAuthPlugin
    {
        public string Name { get; } = name;

        public IAuthExchange Start(AuthExchangeContext context) => new Exchange(context, handler);
    }

    private sealed class Exchange(AuthExchangeContext context, LegacyAuthSwitchHandler handler) : IAuthExchange
    {
        private bool _first = true;

        public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
        {
            // As mysql2: the first call carries the plugin name, later calls only the data.
            var request = new LegacyAuthSwitchRequest(_first ? context.PluginName : null, serverData, context);
            _first = false;
            return AuthReply.Send(await handler(request, cancellationToken).ConfigureAwait(false));
        }

        public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
        {
        }

        public void Dispose()
        {
        }
    }
}
