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
}
