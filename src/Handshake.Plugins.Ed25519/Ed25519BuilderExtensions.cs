using Handshake.Plugins.Ed25519.Internal;

namespace Handshake.Plugins.Ed25519;

/// <summary>Registers MariaDB's ed25519 authentication (<c>client_ed25519</c>) with Handshake, under its wire name or another.</summary>
public static class Ed25519BuilderExtensions
{
    /// <summary>Registers the client plugin as <see cref="Ed25519PluginNames.ClientEd25519"/>. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddEd25519(this IHandshakeBuilder builder) =>
        builder.AddEd25519(Ed25519PluginNames.ClientEd25519);

    /// <summary>Registers the client plugin under <paramref name="name"/>, with its payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddEd25519(this IHandshakeBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.TryAddNamedPlugin(name, _ => new Ed25519Plugin(name));
        return builder.AddPayloadRedactor(name, Ed25519PayloadRedactor.Instance);
    }

    /// <summary>Registers the server verifier as <see cref="Ed25519PluginNames.ClientEd25519"/>. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddEd25519Verifier(this IHandshakeBuilder builder) =>
        builder.AddEd25519Verifier(Ed25519PluginNames.ClientEd25519);

    /// <summary>Registers the server verifier under <paramref name="name"/>, with its stored-credential format and payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddEd25519Verifier(this IHandshakeBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.TryAddNamedVerifier(name, _ => new Ed25519Verifier(name));
        return builder.AddCredentialFormat(new Ed25519CredentialFormat(name)).AddPayloadRedactor(name, Ed25519PayloadRedactor.Instance);
    }
}
