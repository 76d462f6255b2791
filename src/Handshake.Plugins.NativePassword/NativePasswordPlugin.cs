using Handshake.Plugins.NativePassword.Internal;

namespace Handshake.Plugins.NativePassword;

/// <summary>
/// The client side of <c>mysql_native_password</c>. Takes factor's secret as a text password, or as
/// a binary secret of 20 bytes holding <c>SHA1(password)</c> (mysql2's <c>passwordSha1</c>).
/// </summary>
public sealed class NativePasswordPlugin : IAuthPlugin
{
    /// <summary>The plugin name MySQL uses.</summary>
    public const string PluginName = "mysql_native_password";

    /// <inheritdoc />
    public string Name => PluginName;

    /// <inheritdoc />
    /// <remarks>Only SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))) leaves, never the password.</remarks>
    public AuthSecretUse SecretUse => AuthSecretUse.Derived;

    /// <inheritdoc />
    public IAuthExchange Start(AuthExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new NativePasswordClientExchange(context);
    }
}
