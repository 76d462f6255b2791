using Handshake.Plugins.NativePassword.Internal;

namespace Handshake.Plugins.NativePassword;

/// <summary>Registers <c>mysql_native_password</c> with Handshake, under its wire name or another.</summary>
public static class NativePasswordBuilderExtensions
{
    /// <summary>Registers the client plugin as <see cref="NativePasswordPluginNames.MySqlNativePassword"/>. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePassword(this IHandshakeBuilder builder) =>
        builder.AddNativePassword(NativePasswordPluginNames.MySqlNativePassword);

    /// <summary>Registers the client plugin under <paramref name="name"/>, with its payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePassword(this IHandshakeBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.TryAddNamedPlugin(name, _ => new NativePasswordPlugin(name));
        return builder.AddPayloadRedactor(name, NativePasswordPayloadRedactor.Instance);
    }

    /// <summary>Registers the server verifier as <see cref="NativePasswordPluginNames.MySqlNativePassword"/>. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePasswordVerifier(this IHandshakeBuilder builder) =>
        builder.AddNativePasswordVerifier(NativePasswordPluginNames.MySqlNativePassword);

    /// <summary>Registers the server verifier under <paramref name="name"/>, with its stored-credential format and payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name (what users' policies name).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePasswordVerifier(this IHandshakeBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.TryAddNamedVerifier(name, _ => new NativePasswordVerifier(name));
        return builder.AddCredentialFormat(new NativePasswordCredentialFormat(name)).AddPayloadRedactor(name, NativePasswordPayloadRedactor.Instance);
    }
}
