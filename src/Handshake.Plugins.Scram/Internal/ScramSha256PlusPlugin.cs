using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>The client plugin "SCRAM-SHA-256-PLUS" (RFC 7677 with tls-server-end-point binding, RFC 5929).</summary>
internal sealed class ScramSha256PlusPlugin(IOptions<ScramOptions> options, ScramKeyCache cache, IScramKeyDeriver deriver) : IAuthPlugin
{
    private readonly ScramClientMechanism _mechanism = new(ScramHash.Sha256, plus: true, options.Value, cache, deriver);

    public string Name => _mechanism.Name;

    // Only the SCRAM proof leaves (RFC 5802 §3).
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    public IAuthExchange Start(AuthExchangeContext context) => _mechanism.Start(context);

    public int GetOfferPreference(AuthExchangeContext context) => _mechanism.GetOfferPreference(context);
}
