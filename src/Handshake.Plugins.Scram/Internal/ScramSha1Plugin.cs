using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The client plugin "SCRAM-SHA-1" (RFC 5802), for servers that offer nothing stronger (Dovecot 2.3,
/// MongoDB before 4.0). In an offer it ranks below SCRAM-SHA-256, so it is chosen only when that is absent.
/// </summary>
internal sealed class ScramSha1Plugin(IOptions<ScramOptions> options, ScramKeyCache cache, IScramKeyDeriver deriver) : IAuthPlugin
{
    private readonly ScramClientMechanism _mechanism = new(ScramHash.Sha1, plus: false, options.Value, cache, deriver);

    public string Name => _mechanism.Name;

    // Only the SCRAM proof leaves (RFC 5802 §3).
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    public IAuthExchange Start(AuthExchangeContext context) => _mechanism.Start(context);

    public int GetOfferPreference(AuthExchangeContext context) =>
        _mechanism.GetOfferPreference(context) is var rank && rank > 0 ? rank / 2 : rank;
}
