using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// A registered SCRAM server verifier, one per family (SCRAM-SHA-1, -256, -512): checks stored
/// credentials of that family (<see cref="ScramCredential"/>) and runs both the family's mechanism
/// and, over TLS with a bindable certificate, its -PLUS variant. Options are the family's named ones.
/// </summary>
internal sealed class ScramVerifier(ScramHash hash, IOptionsMonitor<ScramVerifierOptions> options, byte[] unknownUserKey) : IAuthVerifier
{
    public string Name => hash.MechanismName;

    public bool UsesServerStoredPassword => true;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return ScramServerExchange.ServerBindingData(transport) is not null
            ? [hash.PlusMechanismName, hash.MechanismName]
            : [hash.MechanismName];
    }

    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ScramServerExchange(context, hash, options.Get(hash.MechanismName), unknownUserKey);
    }

    /// <summary>Test seam: an exchange with a pinned server nonce suffix.</summary>
    internal static IVerifierExchange StartWithNonce(VerifierContext context, ScramVerifierOptions options, Func<IRandomSource, string> nonceFactory, byte[]? unknownUserKey = null, ScramHash? hash = null) =>
        new ScramServerExchange(context, hash ?? ScramHash.Sha256, options, unknownUserKey ?? new byte[ServerSecrets.MinKeyLength], nonceFactory);
}
