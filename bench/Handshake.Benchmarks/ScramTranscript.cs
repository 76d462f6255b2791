using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>
/// Drives our SCRAM-SHA-256 client through a fixed server transcript (RFC 7677's, with the client
/// nonce our pinned random source makes): as bare exchange steps, and through the sans-I/O negotiator.
/// </summary>
internal sealed class ScramTranscript
{
    public const byte PinnedByte = 0x42;

    private readonly IServiceProvider _services;
    private readonly AuthCredentials _credentials;
    private readonly IAuthPlugin _plugin;
    private readonly IAuthSecurityPolicy _policy;
    private readonly IRandomSource _random;
    private readonly ReadOnlyMemory<byte> _serverFirst;
    private readonly ReadOnlyMemory<byte> _serverFinal;

    public ScramTranscript(IServiceProvider services, AuthCredentials credentials, ReadOnlyMemory<byte> serverFirst, ReadOnlyMemory<byte> serverFinal)
    {
        _services = services;
        _credentials = credentials;
        _plugin = services.GetServices<IAuthPlugin>().Single(p => p.Name == HandshakeHost.ScramMechanism);
        _policy = services.GetRequiredService<IAuthSecurityPolicy>();
        _random = services.GetRequiredService<IRandomSource>();
        _serverFirst = serverFirst;
        _serverFinal = serverFinal;
    }

    /// <summary>The client nonce our client makes from 24 bytes of <see cref="PinnedByte"/>.</summary>
    public static string PinnedClientNonce { get; } = Convert.ToBase64String(Enumerable.Repeat(PinnedByte, 24).ToArray());

    /// <summary>client-first, client-final, verify server-final, accept: the plugin's own work, no engine.</summary>
    public void RunBareSteps()
    {
        var context = new AuthExchangeContext(HandshakeHost.ScramMechanism, 1, _credentials, TransportSecurity.None, _policy) { Random = _random };
        using var exchange = _plugin.Start(context);
        _ = Sync(exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None));
        _ = Sync(exchange.RespondAsync(_serverFirst, CancellationToken.None));
        var last = Sync(exchange.RespondAsync(_serverFinal, CancellationToken.None));
        if (last.HasData)
        {
            throw new InvalidOperationException("The client answered the server-final message.");
        }

        exchange.OnServerAccepted(ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>The same transcript as server events fed to a negotiator (Begin, Continue, Succeeded).</summary>
    public async ValueTask RunNegotiatorAsync()
    {
        using var negotiator = _services.GetRequiredService<IAuthNegotiatorFactory>().Create(_credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(HandshakeHost.ScramMechanism)).ConfigureAwait(false);
        _ = await negotiator.HandleAsync(AuthEvent.Continue(_serverFirst)).ConfigureAwait(false);
        var done = await negotiator.HandleAsync(AuthEvent.Succeeded(_serverFinal)).ConfigureAwait(false);
        if (done.Kind != AuthActionKind.Completed)
        {
            throw new InvalidOperationException($"The negotiator did not complete ({done}).");
        }
    }

    private static AuthReply Sync(ValueTask<AuthReply> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The SCRAM client is expected to answer synchronously.");
}
