using Handshake.Plugins.NativePassword.Internal;

namespace Handshake.Plugins.NativePassword;

/// <summary>
/// The client side of <c>mysql_native_password</c>. Takes factor's secret as a text password, or as
/// a binary secret of 20 bytes holding <c>SHA1(password)</c> (mysql2's <c>passwordSha1</c>).
/// </summary>
public sealed class NativePasswordPlugin : IAuthPlugin
{
    /// <summary>Creates the plugin under its wire name, <see cref="NativePasswordPluginNames.MySqlNativePassword"/>.</summary>
    public NativePasswordPlugin()
        : this(NativePasswordPluginNames.MySqlNativePassword)
    {
    }

    /// <summary>Creates the plugin under <paramref name="name"/> (a server that names the method otherwise).</summary>
    /// <param name="name">The plugin name.</param>
    public NativePasswordPlugin(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

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
