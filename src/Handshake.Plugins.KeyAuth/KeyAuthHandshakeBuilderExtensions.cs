using Handshake.Plugins.KeyAuth.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.KeyAuth;

/// <summary>Registers key auth on a Handshake builder.</summary>
public static class KeyAuthHandshakeBuilderExtensions
{
    /// <summary>Registers the key auth client plugin as "ssh-key-auth".</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets where the signature comes from.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddKeyAuth(this IHandshakeBuilder builder, Action<KeyAuthClientOptions> configure) =>
        AddKeyAuth(builder, KeyAuthPluginNames.SshKeyAuth, configure);

    /// <summary>
    /// Registers a key auth client plugin under <paramref name="name"/>; call once per name to register
    /// several. The options of that name are validated at start-up and read when each exchange starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name (named options of that name hold its settings).</param>
    /// <param name="configure">Sets where the signature comes from.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddKeyAuth(this IHandshakeBuilder builder, string name, Action<KeyAuthClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        _ = builder.AddNamedOptions<KeyAuthClientOptions>(name, configure, _ => new KeyAuthOptionsValidation());
        _ = builder.TryAddNamedPlugin(name, sp => new KeyAuthPlugin(name, sp.GetRequiredService<IOptionsMonitor<KeyAuthClientOptions>>()));
        return builder.AddPayloadRedactor(name, KeyAuthPayloadRedactor.Instance);
    }

    /// <summary>Registers the key auth verifier as "ssh-key-auth", with the in-memory revocation list unless one is registered.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddKeyAuthVerifier(this IHandshakeBuilder builder) =>
        AddKeyAuthVerifier(builder, KeyAuthPluginNames.SshKeyAuth, configure: null);

    /// <summary>Registers the key auth verifier as "ssh-key-auth", with the in-memory revocation list unless one is registered.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddKeyAuthVerifier(this IHandshakeBuilder builder, Action<KeyAuthVerifierOptions> configure) =>
        AddKeyAuthVerifier(builder, KeyAuthPluginNames.SshKeyAuth, configure);

    /// <summary>
    /// Registers a key auth verifier under <paramref name="name"/>; call once per name to register several.
    /// The options of that name are validated at start-up and read when the verifier is created (its
    /// challenge store is sized and its revoked keys parsed then).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name.</param>
    /// <param name="configure">Adjusts the settings, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddKeyAuthVerifier(this IHandshakeBuilder builder, string name, Action<KeyAuthVerifierOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<KeyAuthVerifierOptions>(name, configure, _ => new KeyAuthOptionsValidation());
        builder.Services.TryAddSingleton<InMemoryKeyAuthRevocationList>();
        builder.Services.TryAddSingleton<IKeyAuthRevocationList>(sp => sp.GetRequiredService<InMemoryKeyAuthRevocationList>());
        _ = builder.TryAddNamedVerifier(name, sp => new KeyAuthVerifier(
            name,
            sp.GetRequiredService<IOptionsMonitor<KeyAuthVerifierOptions>>().Get(name),
            sp.GetService<IKeyAuthRevocationList>(),
            ServerSecrets.LoadUnknownUserKey(sp.GetRequiredService<IOptions<ServerSecretOptions>>().Value, sp.GetService<IServerSecretProvider>())));
        return builder.AddCredentialFormat(new KeyAuthCredentialFormat(name)).AddPayloadRedactor(name, KeyAuthPayloadRedactor.Instance);
    }
}
