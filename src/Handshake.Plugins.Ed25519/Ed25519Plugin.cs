using Handshake.Plugins.Ed25519.Internal;

namespace Handshake.Plugins.Ed25519;

/// <summary>
/// The client side of MariaDB's ed25519 authentication (<c>client_ed25519</c>; the server plugin is
/// <c>ed25519</c>). Takes the factor's secret as a text password, or as a binary secret of 64 bytes
/// holding <c>SHA-512(password)</c>. Needs libsodium; without it, starting an exchange fails with
/// <see cref="AuthErrorCode.PluginFailure"/> and a message that says how to install it.
/// </summary>
public sealed class Ed25519Plugin : IAuthPlugin
{
    /// <summary>Creates the plugin under its wire name, <see cref="Ed25519PluginNames.ClientEd25519"/>.</summary>
    public Ed25519Plugin()
        : this(Ed25519PluginNames.ClientEd25519)
    {
    }

    /// <summary>Creates the plugin under <paramref name="name"/>.</summary>
    /// <param name="name">The plugin name.</param>
    public Ed25519Plugin(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>Only an Ed25519 signature made with a key derived from the password leaves.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Ed25519ClientExchange(context, Sodium.Require(context.PluginName, context.FactorIndex));
    }
}
