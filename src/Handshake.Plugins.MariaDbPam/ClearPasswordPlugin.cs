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
    /// <summary>The client plugin name servers ask for.</summary>
    public const string PluginName = "mysql_clear_password";

    /// <inheritdoc />
    public string Name => PluginName;

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
