using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// A registered SCRAM client mechanism: one template (<see cref="ScramClientMechanism"/>) with the
/// family's hash, -PLUS or not, and the family's named options (<c>IOptionsMonitor.Get(family)</c>),
/// read per exchange so a reload applies to the next connection.
/// </summary>
internal sealed class ScramPlugin(ScramHash hash, bool plus, IOptionsMonitor<ScramOptions> options, ScramKeyCache cache, IScramKeyDeriver deriver) : IAuthPlugin
{
    public string Name => plus ? hash.PlusMechanismName : hash.MechanismName;

    // Only the SCRAM proof leaves (RFC 5802 §3).
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    public IAuthExchange Start(AuthExchangeContext context) => Mechanism().Start(context);

    public int GetOfferPreference(AuthExchangeContext context) => Mechanism().GetOfferPreference(context);

    private ScramClientMechanism Mechanism() => new(hash, plus, options.Get(hash.MechanismName), cache, deriver);
}
