using Handshake.Plugins.MariaDbPam.Internal;

namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// The client plugin <c>mysql_clear_password</c>: the password itself, NUL-terminated, in one packet
/// (what MariaDB's PAM plugin asks for with <c>pam_use_cleartext_plugin</c>, and MySQL's LDAP and PAM
/// plugins). It sends only where the engine's cleartext gate allows: TLS with a verified certificate,
/// a trusted local socket, or the explicit opt-in <c>HandshakeOptions.AllowCleartextWithoutVerifiedTls</c>;
/// elsewhere it fails with <see cref="AuthErrorCode.PolicyViolation"/> and sends nothing.
/// </summary>
public sealed class ClearPasswordPlugin : IAuthPlugin
{
    /// <summary>Creates the plugin under its wire name, <see cref="MariaDbPamPluginNames.ClearPassword"/>.</summary>
    public ClearPasswordPlugin()
        : this(MariaDbPamPluginNames.ClearPassword)
    {
    }

    /// <summary>Creates the plugin under <paramref name="name"/>.</summary>
    /// <param name="name">The plugin name.</param>
    public ClearPasswordPlugin(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The password leaves as it is: the engine opens the cleartext gate first.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Cleartext;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ClearPasswordClientExchange(context);
    }
}
