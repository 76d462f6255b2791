using Handshake.Plugins.Resume.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Resume;

/// <summary>
/// Registers session resumption on the Handshake builder, under <see cref="ResumePluginNames.Resume"/> or
/// another name; each registration's settings are the options of its name, validated at start-up.
/// </summary>
public static class ResumeHandshakeBuilderExtensions
{
    /// <summary>Registers the client resume plugin as <see cref="ResumePluginNames.Resume"/> and, unless one is registered, the in-memory token cache (a singleton).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResume(this IHandshakeBuilder builder) => builder.AddResume(ResumePluginNames.Resume, null);

    /// <summary>Registers the client resume plugin as <see cref="ResumePluginNames.Resume"/> and, unless one is registered, the in-memory token cache (a singleton).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the plugin (server identity, preference).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResume(this IHandshakeBuilder builder, Action<ResumeClientOptions>? configure) => builder.AddResume(ResumePluginNames.Resume, configure);

    /// <summary>Registers the client resume plugin under <paramref name="name"/> (its options' name too), with its payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name.</param>
    /// <param name="configure">Configures the plugin (server identity, preference).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResume(this IHandshakeBuilder builder, string name, Action<ResumeClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<ResumeClientOptions>(name, configure, (_, o) => ClientFailures(o));
        builder.Services.TryAddSingleton<IResumeTokenCache, InMemoryResumeTokenCache>();
        _ = builder.TryAddNamedPlugin(name, sp => new ResumePlugin(name, sp.GetRequiredService<IOptionsMonitor<ResumeClientOptions>>(), sp.GetRequiredService<IResumeTokenCache>()));
        return builder.AddPayloadRedactor(name, ResumePayloadRedactor.Instance);
    }

    /// <summary>
    /// Registers the server resume verifier as <see cref="ResumePluginNames.Resume"/>, the token issuer and,
    /// unless one is registered, the in-memory token store (a singleton). The acceptor must also list the
    /// verifier as an alternative first factor and offer mechanisms:
    /// <c>AddAcceptor(o =&gt; o.AlternativeFirstPlugins.Add("resume"))</c> with <c>AcceptorStartMode.Offer</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResumeVerifier(this IHandshakeBuilder builder) => builder.AddResumeVerifier(ResumePluginNames.Resume, null);

    /// <summary>Registers the server resume verifier as <see cref="ResumePluginNames.Resume"/> (see <see cref="AddResumeVerifier(IHandshakeBuilder)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures lifetimes, reuse grace and the hash key.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResumeVerifier(this IHandshakeBuilder builder, Action<ResumeServerOptions>? configure) => builder.AddResumeVerifier(ResumePluginNames.Resume, configure);

    /// <summary>
    /// Registers the server resume verifier under <paramref name="name"/> (its options' name too), its
    /// payload redactor, and, unless one is registered, the token issuer (for the first name registered:
    /// one issuer serves a container) and the in-memory token store.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name (the mechanism the client picks).</param>
    /// <param name="configure">Configures lifetimes, reuse grace and the hash key.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResumeVerifier(this IHandshakeBuilder builder, string name, Action<ResumeServerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.AddNamedOptions<ResumeServerOptions>(name, configure, (_, o) => ServerFailures(o));

        // HashKeyFile or the secret provider fill HashKey once, before validation, so every
        // instance of a fleet hashes tokens alike (the store holds only hashes).
        _ = options.PostConfigure<IServiceProvider>((o, sp) =>
        {
            if (o.HashKey is null && ServerSecrets.LoadKey(null, o.HashKeyFile, sp.GetService<IServerSecretProvider>(), ResumeServerOptions.HashKeySecretName) is { } key)
            {
                o.HashKey = key;
            }
        });
        builder.Services.TryAddSingleton<IResumeTokenStore, InMemoryResumeTokenStore>();
        builder.Services.TryAddSingleton<IResumeTokenIssuer>(sp => new ResumeTokenIssuer(
            name,
            sp.GetRequiredService<IResumeTokenStore>(),
            sp.GetRequiredService<IOptionsMonitor<ResumeServerOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<IRandomSource>()));
        _ = builder.TryAddNamedVerifier(name, sp => new ResumeVerifier(name, sp.GetRequiredService<IOptionsMonitor<ResumeServerOptions>>(), sp.GetRequiredService<IResumeTokenStore>()));
        return builder.AddPayloadRedactor(name, ResumePayloadRedactor.Instance);
    }

    private static IEnumerable<string> ClientFailures(ResumeClientOptions o)
    {
        if (o.Preference < 0)
        {
            yield return "ResumeClientOptions.Preference must not be negative (a negative preference means never chosen).";
        }
    }

    private static IEnumerable<string> ServerFailures(ResumeServerOptions o)
    {
        if (o.AbsoluteLifetime <= TimeSpan.Zero)
        {
            yield return "ResumeServerOptions.AbsoluteLifetime must be positive.";
        }

        if (o.InactivityTimeout <= TimeSpan.Zero || o.InactivityTimeout > o.AbsoluteLifetime)
        {
            yield return "ResumeServerOptions.InactivityTimeout must be positive and at most AbsoluteLifetime.";
        }

        if (o.ReuseGrace < TimeSpan.Zero || o.ReuseGrace > TimeSpan.FromMinutes(5))
        {
            yield return "ResumeServerOptions.ReuseGrace must be 0 to 5 minutes: it only covers a retry that lost the server's reply.";
        }

        if (o.HashKey is { Length: < 32 })
        {
            yield return "ResumeServerOptions.HashKey must be at least 32 bytes when set.";
        }
    }
}
