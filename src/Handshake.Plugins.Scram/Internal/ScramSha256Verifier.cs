using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The server verifier "SCRAM-SHA-256": checks PostgreSQL-format stored credentials and runs both
/// SCRAM-SHA-256 and, over TLS with a bindable certificate, SCRAM-SHA-256-PLUS.
/// </summary>
internal sealed class ScramSha256Verifier(IOptions<ScramVerifierOptions> options) : IAuthVerifier
{
    // Per-process key for unknown users' fake salts: stable within the process, unknowable outside it.
    private static readonly byte[] UnknownUserKey = RandomNumberGenerator.GetBytes(32);
    private readonly ScramVerifierOptions _options = options.Value;

    public string Name => ScramHash.Sha256.MechanismName;

    public bool UsesServerStoredPassword => true;

    public IReadOnlyList<string> GetMechanisms(TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return ScramServerExchange.ServerBindingData(transport) is not null
            ? [ScramHash.Sha256.PlusMechanismName, ScramHash.Sha256.MechanismName]
            : [ScramHash.Sha256.MechanismName];
    }

    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ScramServerExchange(context, ScramHash.Sha256, _options, UnknownUserKey);
    }

    /// <summary>Test seam: an exchange with a pinned server nonce suffix.</summary>
    internal static IVerifierExchange StartWithNonce(VerifierContext context, ScramVerifierOptions options, Func<IRandomSource, string> nonceFactory) =>
        new ScramServerExchange(context, ScramHash.Sha256, options, UnknownUserKey, nonceFactory);
}
