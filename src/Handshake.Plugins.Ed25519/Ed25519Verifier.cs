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
    /// <summary>Creates the verifier under its wire name, <see cref="Ed25519PluginNames.ClientEd25519"/>.</summary>
    public Ed25519Verifier()
        : this(Ed25519PluginNames.ClientEd25519)
    {
    }

    /// <summary>Creates the verifier under <paramref name="name"/>.</summary>
    /// <param name="name">The verifier name.</param>
    public Ed25519Verifier(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool UsesServerStoredPassword => true;

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Ed25519VerifierExchange(context, Sodium.Require(context.VerifierName, context.FactorIndex));
    }
}
