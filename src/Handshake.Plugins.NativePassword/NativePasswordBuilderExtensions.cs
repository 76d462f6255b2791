using Handshake.Plugins.NativePassword.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        _ = builder.TryAddNamedVerifier(name, sp => new NativePasswordVerifier(name, sp.GetRequiredService<IOptionsMonitor<NativePasswordVerifierOptions>>()));
        return builder.AddCredentialFormat(new NativePasswordCredentialFormat(name)).AddPayloadRedactor(name, NativePasswordPayloadRedactor.Instance);
    }

    /// <summary>Registers the server verifier as <see cref="NativePasswordPluginNames.MySqlNativePassword"/> with options (e.g. <see cref="NativePasswordVerifierOptions.RecoverPassThroughKey"/> for a proxy). Calling it twice is harmless (both configurations apply).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the <see cref="NativePasswordVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePasswordVerifier(this IHandshakeBuilder builder, Action<NativePasswordVerifierOptions> configure) =>
        builder.AddNativePasswordVerifier(NativePasswordPluginNames.MySqlNativePassword, configure);

    /// <summary>Registers the server verifier under <paramref name="name"/> with the options of that name. Calling it twice is harmless (both configurations apply).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name (what users' policies name).</param>
    /// <param name="configure">Adjusts the <see cref="NativePasswordVerifierOptions"/> of <paramref name="name"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePasswordVerifier(this IHandshakeBuilder builder, string name, Action<NativePasswordVerifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        _ = builder.Services.AddOptions<NativePasswordVerifierOptions>(name).Configure(configure);
        return builder.AddNativePasswordVerifier(name);
    }
}
