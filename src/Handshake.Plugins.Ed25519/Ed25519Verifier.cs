using Handshake.Plugins.Ed25519.Internal;

namespace Handshake.Plugins.Ed25519;

/// <summary>
/// The server side of MariaDB's ed25519 authentication: sends a 32-byte random scramble, takes one
/// 64-byte signature and checks it with standard Ed25519 verification against the stored public key
/// (see <see cref="Ed25519Credential"/>). Keyed by the client plugin name, <c>client_ed25519</c>,
/// which is what the acceptor names in its switch request.
/// </summary>
/// <remarks>
/// It checks a server-stored password verifier, so under MySQL's multi-factor rules it may only be
/// factor 1; the acceptor enforces that through <see cref="UsesServerStoredPassword"/>.
/// </remarks>
public sealed class Ed25519Verifier : IAuthVerifier
{
    /// <inheritdoc />
    public string Name => Ed25519Plugin.PluginName;

    /// <inheritdoc />
    public bool UsesServerStoredPassword => true;

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Ed25519VerifierExchange(context, Sodium.Require(context.VerifierName, context.FactorIndex));
    }
}
