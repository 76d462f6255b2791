using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The server verifier "SCRAM-SHA-256": checks PostgreSQL-format stored credentials and runs both
/// SCRAM-SHA-256 and, over TLS with a bindable certificate, SCRAM-SHA-256-PLUS.
/// </summary>
internal sealed class ScramSha256Verifier(IOptions<ScramVerifierOptions> options, IOptions<ServerSecretOptions> secrets, IServerSecretProvider? secretProvider = null) : IAuthVerifier
{
    // The key unknown users' fake salts derive from: configured (shared by a fleet, stable across
    // restarts) or, for a single process, generated once here. Never sent.
    private readonly byte[] _unknownUserKey = ServerSecrets.LoadUnknownUserKey(secrets.Value, secretProvider);
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
        return new ScramServerExchange(context, ScramHash.Sha256, _options, _unknownUserKey);
    }

    /// <summary>Test seam: an exchange with a pinned server nonce suffix.</summary>
    internal static IVerifierExchange StartWithNonce(VerifierContext context, ScramVerifierOptions options, Func<IRandomSource, string> nonceFactory, byte[]? unknownUserKey = null) =>
        new ScramServerExchange(context, ScramHash.Sha256, options, unknownUserKey ?? new byte[ServerSecrets.MinKeyLength], nonceFactory);
}
