using Handshake.Plugins.Scram.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram;

/// <summary>
/// Registers SCRAM's client plugins and server verifiers. SCRAM is one template: a family
/// (<see cref="ScramPluginNames.ScramSha1"/>, <see cref="ScramPluginNames.ScramSha256"/>,
/// <see cref="ScramPluginNames.ScramSha512"/>) is its hash, and each family registers its mechanism
/// and its -PLUS variant by name, with options named after the family
/// (<c>IOptionsMonitor&lt;ScramOptions&gt;.Get(ScramPluginNames.ScramSha512)</c>).
/// </summary>
public static class ScramHandshakeBuilderExtensions
{
    /// <summary>
    /// Registers the client plugins "SCRAM-SHA-256" and "SCRAM-SHA-256-PLUS", with options validated
    /// at start-up. Calling it twice is harmless (a second <paramref name="configure"/> is applied too).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the family's <see cref="ScramOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddScram(this IHandshakeBuilder builder, Action<ScramOptions>? configure = null) =>
        builder.AddScramFamily(ScramPluginNames.ScramSha256, configure);

    /// <summary>
    /// Registers the client plugins of one SCRAM family, its mechanism and its -PLUS variant (e.g.
    /// "SCRAM-SHA-512" and "SCRAM-SHA-512-PLUS", as Kafka offers), with the family's named options
    /// validated at start-up. When a server offers several registered families the strongest hash is
    /// chosen (SHA-512, then SHA-256, then SHA-1), -PLUS first where the client can bind.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="family">The family: a <see cref="ScramPluginNames"/> name without -PLUS.</param>
    /// <param name="configure">Adjusts the family's <see cref="ScramOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="family"/> is not a SCRAM family.</exception>
    public static IHandshakeBuilder AddScramFamily(this IHandshakeBuilder builder, string family, Action<ScramOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var hash = Family(family);
        var services = builder.Services;
        var options = services.AddOptions<ScramOptions>(hash.MechanismName);
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScramOptions>, ScramOptionsValidator>());
        services.TryAddSingleton<IScramKeyDeriver>(Pbkdf2ScramKeyDeriver.Instance);

        // One cache for every family (entries are keyed by hash too), as large as the largest family asks.
        services.TryAddSingleton(sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<ScramOptions>>();
            var capacity = sp.GetServices<ScramRegistration>().Where(r => !r.Server).Max(r => monitor.Get(r.Family).DerivedKeyCacheCapacity);
            return new ScramKeyCache(capacity);
        });
        if (!Registered(services, hash, server: false))
        {
            services.AddSingleton(new ScramRegistration(hash.MechanismName, Server: false));
            foreach (var plus in (bool[])[false, true])
            {
                services.AddSingleton<IAuthPlugin>(sp => new ScramPlugin(hash, plus, sp.GetRequiredService<IOptionsMonitor<ScramOptions>>(), sp.GetRequiredService<ScramKeyCache>(), sp.GetRequiredService<IScramKeyDeriver>()));
            }
        }

        return AddRedactors(builder, hash);
    }

    /// <summary>
    /// Registers the client plugins "SCRAM-SHA-1" and "SCRAM-SHA-1-PLUS" (RFC 5802) besides those of
    /// <see cref="AddScram"/>, for servers that offer nothing
    /// stronger (Dovecot 2.3, MongoDB's SCRAM-SHA-1). In an offer SHA-1 ranks below SCRAM-SHA-256.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options of both families.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddScramSha1(this IHandshakeBuilder builder, Action<ScramOptions>? configure = null) =>
        builder.AddScram(configure).AddScramFamily(ScramPluginNames.ScramSha1, configure);

    /// <summary>
    /// Registers the server verifier "SCRAM-SHA-256" (it also runs SCRAM-SHA-256-PLUS over TLS),
    /// which checks PostgreSQL-format stored credentials (<see cref="ScramCredential"/>), and an
    /// <see cref="IStoredPasswordChecker"/> for them, so a plaintext mechanism (SASL PLAIN) can check a
    /// password against the same credential (one PBKDF2 per attempt).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the family's <see cref="ScramVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddScramVerifier(this IHandshakeBuilder builder, Action<ScramVerifierOptions>? configure = null) =>
        builder.AddScramVerifierFamily(ScramPluginNames.ScramSha256, configure);

    /// <summary>
    /// Registers the server verifier of one SCRAM family (it runs the family's mechanism and, over TLS,
    /// its -PLUS variant), checking stored credentials of that family (<c>SCRAM-SHA-512$...</c>), and
    /// an <see cref="IStoredPasswordChecker"/> for them; options are the family's named ones.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="family">The family: a <see cref="ScramPluginNames"/> name without -PLUS.</param>
    /// <param name="configure">Adjusts the family's <see cref="ScramVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="family"/> is not a SCRAM family.</exception>
    public static IHandshakeBuilder AddScramVerifierFamily(this IHandshakeBuilder builder, string family, Action<ScramVerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var hash = Family(family);
        var services = builder.Services;
        var options = services.AddOptions<ScramVerifierOptions>(hash.MechanismName);
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScramVerifierOptions>, ScramVerifierOptionsValidator>());
        services.TryAddSingleton<IScramKeyDeriver>(Pbkdf2ScramKeyDeriver.Instance);
        services.TryAddSingleton<ScramUnknownUserKey>();
        if (!Registered(services, hash, server: true))
        {
            services.AddSingleton(new ScramRegistration(hash.MechanismName, Server: true));
            services.AddSingleton<IAuthVerifier>(sp => new ScramVerifier(hash, sp.GetRequiredService<IOptionsMonitor<ScramVerifierOptions>>(), sp.GetRequiredService<ScramUnknownUserKey>().Value));
            services.AddSingleton<IStoredPasswordChecker>(sp => new ScramPasswordChecker(hash, sp.GetRequiredService<IScramKeyDeriver>(), sp.GetRequiredService<IOptionsMonitor<ScramVerifierOptions>>()));
        }

        return AddRedactors(builder, hash).AddCredentialFormat(new ScramCredentialFormat(hash));
    }

    private static IHandshakeBuilder AddRedactors(IHandshakeBuilder builder, ScramHash hash) =>
        builder.AddPayloadRedactor(hash.MechanismName, ScramPayloadRedactor.Instance).AddPayloadRedactor(hash.PlusMechanismName, ScramPayloadRedactor.Instance);

    private static ScramHash Family(string family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return ScramHash.ForName(family) is { } hash && string.Equals(hash.MechanismName, family, StringComparison.Ordinal)
            ? hash
            : throw new ArgumentException($"'{PeerText.Printable(family, 40)}' is not a SCRAM family; use {ScramPluginNames.ScramSha1}, {ScramPluginNames.ScramSha256} or {ScramPluginNames.ScramSha512} (its -PLUS variant is registered with it).", nameof(family));
    }

    private static bool Registered(IServiceCollection services, ScramHash hash, bool server) =>
        services.Any(d => d.ServiceType == typeof(ScramRegistration) && d.ImplementationInstance is ScramRegistration r && r.Server == server && string.Equals(r.Family, hash.MechanismName, StringComparison.Ordinal));
}
