namespace Handshake.Plugins.Ed25519;

/// <summary>Registers MariaDB's ed25519 authentication (<c>client_ed25519</c>) with Handshake.</summary>
public static class Ed25519BuilderExtensions
{
    /// <summary>Registers the client plugin. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddEd25519(this IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPlugin<Ed25519Plugin>();
    }

    /// <summary>Registers the server verifier. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddEd25519Verifier(this IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddVerifier<Ed25519Verifier>().AddCredentialFormat(new Internal.Ed25519CredentialFormat());
    }
}
