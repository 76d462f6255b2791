using Handshake.Plugins.CachingSha2.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// Registers <c>caching_sha2_password</c> with Handshake, under its wire name or another. Each
/// registration's options are named after it (<c>IOptionsMonitor&lt;CachingSha2Options&gt;.Get(name)</c>)
/// and validated at start-up.
/// </summary>
public static class CachingSha2BuilderExtensions
{
    /// <summary>Registers the client plugin as <see cref="CachingSha2PluginNames.CachingSha2Password"/>. Calling it twice is harmless (configurations add up).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2(this IHandshakeBuilder builder) =>
        builder.AddCachingSha2(CachingSha2PluginNames.CachingSha2Password, null);

    /// <summary>Registers the client plugin as <see cref="CachingSha2PluginNames.CachingSha2Password"/>. Calling it twice is harmless (configurations add up).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options (server key, public key retrieval).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2(this IHandshakeBuilder builder, Action<CachingSha2Options>? configure) =>
        builder.AddCachingSha2(CachingSha2PluginNames.CachingSha2Password, configure);

    /// <summary>
    /// Registers the client plugin under <paramref name="name"/>, with the options of that name (read
    /// when each exchange starts) and its payload redactor. Calling it twice with one name is harmless
    /// (configurations add up).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name, also its options' name.</param>
    /// <param name="configure">Configures the options (server key, public key retrieval).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2(this IHandshakeBuilder builder, string name, Action<CachingSha2Options>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<CachingSha2Options>(name, configure, _ => new CachingSha2OptionsValidator());
        _ = builder.TryAddNamedPlugin(name, sp => new CachingSha2Plugin(name, sp.GetRequiredService<IOptionsMonitor<CachingSha2Options>>()));
        return builder.AddPayloadRedactor(name, CachingSha2PayloadRedactor.Instance);
    }

    /// <summary>Registers the server verifier as <see cref="CachingSha2PluginNames.CachingSha2Password"/> and its fast-auth cache. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2Verifier(this IHandshakeBuilder builder) =>
        builder.AddCachingSha2Verifier(CachingSha2PluginNames.CachingSha2Password, null);

    /// <summary>Registers the server verifier as <see cref="CachingSha2PluginNames.CachingSha2Password"/> and its fast-auth cache. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options (RSA private key, cache size).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2Verifier(this IHandshakeBuilder builder, Action<CachingSha2VerifierOptions>? configure) =>
        builder.AddCachingSha2Verifier(CachingSha2PluginNames.CachingSha2Password, configure);

    /// <summary>
    /// Registers the server verifier under <paramref name="name"/>, with the options of that name (its
    /// key pair is made from them when the verifier is created), its stored-credential format and payload
    /// redactor, and the fast-auth cache all registrations share. Calling it twice with one name is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name, also its options' name.</param>
    /// <param name="configure">Configures the options (RSA private key, cache size).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2Verifier(this IHandshakeBuilder builder, string name, Action<CachingSha2VerifierOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<CachingSha2VerifierOptions>(name, configure, _ => new CachingSha2VerifierOptionsValidator());

        // One in-memory cache, as large as the first registration asks, unless a shared one (a fleet's store) is registered.
        builder.Services.TryAddSingleton(sp => new CachingSha2PasswordCache(sp.GetRequiredService<IOptionsMonitor<CachingSha2VerifierOptions>>().Get(name).CacheCapacity));
        builder.Services.TryAddSingleton<ICachingSha2PasswordCache>(sp => sp.GetRequiredService<CachingSha2PasswordCache>());
        _ = builder.TryAddNamedVerifier(name, sp => new CachingSha2Verifier(
            name,
            sp.GetRequiredService<IOptionsMonitor<CachingSha2VerifierOptions>>(),
            sp.GetRequiredService<ICachingSha2PasswordCache>(),
            sp.GetRequiredService<IOptions<ServerSecretOptions>>(),
            sp.GetService<IServerSecretProvider>()));
        return builder.AddCredentialFormat(new CachingSha2CredentialFormat(name)).AddPayloadRedactor(name, CachingSha2PayloadRedactor.Instance);
    }
}
