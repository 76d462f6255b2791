using System.Collections.Concurrent;

namespace Handshake.Tests;

/// <summary>
/// A real plugin (not a mock) that answers "name:secret:round" and records what it saw, including
/// whether its exchanges were disposed and accepted. Its secret-in-reply is fine for engine tests:
/// the tests check which secret reached which factor.
/// </summary>
internal sealed class RecordingPlugin(string name) : IAuthPlugin
{
    public string Name { get; } = name;

    public ConcurrentQueue<Exchange> Exchanges { get; } = new();

    public Func<AuthExchangeContext, ReadOnlyMemory<byte>, CancellationToken, ValueTask<AuthReply>>? Respond { get; set; }

    public Action<ReadOnlyMemory<byte>>? Accepted { get; set; }

    public int Preference { get; set; }

    // Declared Derived although the echo carries the secret: the echo stands for a proof computed from it,
    // and the engine tests check which secret reached which factor over any transport.
    public AuthSecretUse SecretUse { get; set; } = AuthSecretUse.Derived;

    public int GetOfferPreference(AuthExchangeContext context) => Preference;

    public IAuthExchange Start(AuthExchangeContext context)
    {
        var exchange = new Exchange(this, context);
        Exchanges.Enqueue(exchange);
        return exchange;
    }

    internal sealed class Exchange(RecordingPlugin owner, AuthExchangeContext context) : IAuthExchange
    {
        public AuthExchangeContext Context { get; } = context;

        public List<string> Seen { get; } = [];

        public bool Disposed { get; private set; }

        public bool WasAccepted { get; private set; }

        public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
        {
            Seen.Add(TestHost.Text(serverData));
            if (owner.Respond is { } respond)
            {
                return respond(Context, serverData, cancellationToken);
            }

            var secret = Context.Secret is { } s ? TestHost.Text(s.Bytes.ToArray()) : "(none)";
            return ValueTask.FromResult(AuthReply.Send(TestHost.Bytes($"{owner.Name}:{secret}:{Seen.Count}")));
        }

        public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
        {
            owner.Accepted?.Invoke(finalData);
            WasAccepted = true;
        }

        public void Dispose() => Disposed = true;
    }
}
