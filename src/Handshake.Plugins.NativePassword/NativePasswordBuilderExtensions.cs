using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.NativePassword;

/// <summary>Registers <c>mysql_native_password</c> with Handshake.</summary>
public static class NativePasswordBuilderExtensions
{
    /// <summary>Registers the client plugin. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePassword(this IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPlugin<NativePasswordPlugin>();
    }

    /// <summary>Registers the server verifier. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePasswordVerifier(this IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddVerifier<NativePasswordVerifier>().AddCredentialFormat(new Internal.NativePasswordCredentialFormat());
    }

    /// <summary>Registers the server verifier with options (e.g. <see cref="NativePasswordVerifierOptions.RecoverPassThroughKey"/> for a proxy). Calling it twice is harmless (both configurations apply).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the <see cref="NativePasswordVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddNativePasswordVerifier(this IHandshakeBuilder builder, Action<NativePasswordVerifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        _ = builder.Services.AddOptions<NativePasswordVerifierOptions>().Configure(configure);
        return builder.AddNativePasswordVerifier();
    }
}
