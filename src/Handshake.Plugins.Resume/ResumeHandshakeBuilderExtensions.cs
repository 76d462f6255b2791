using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Handshake.Plugins.Resume;

/// <summary>Registers session resumption on the Handshake builder.</summary>
public static class ResumeHandshakeBuilderExtensions
{
    /// <summary>Registers the client resume plugin and, unless one is registered, the in-memory token cache (a singleton).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the plugin (server identity, preference).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResume(this IHandshakeBuilder builder, Action<ResumeClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ResumeClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => !string.IsNullOrEmpty(o.Name), "ResumeClientOptions.Name must not be empty.")
            .Validate(o => o.Preference >= 0, "ResumeClientOptions.Preference must not be negative (a negative preference means never chosen).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IResumeTokenCache, InMemoryResumeTokenCache>();
        return builder.AddPlugin<ResumePlugin>();
    }

    /// <summary>
    /// Registers the server resume verifier, the token issuer and, unless one is registered, the
    /// in-memory token store (a singleton). The acceptor must also list the verifier as an
    /// alternative first factor and offer mechanisms:
    /// <c>AddAcceptor(o =&gt; o.AlternativeFirstPlugins.Add("resume"))</c> with <c>AcceptorStartMode.Offer</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures lifetimes, reuse grace and the hash key.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddResumeVerifier(this IHandshakeBuilder builder, Action<ResumeServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ResumeServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // HashKeyFile or the secret provider fill HashKey once, before validation, so every
        // instance of a fleet hashes tokens alike (the store holds only hashes).
        options.PostConfigure<IServiceProvider>((o, sp) =>
        {
            if (o.HashKey is null && ServerSecrets.LoadKey(null, o.HashKeyFile, sp.GetService<IServerSecretProvider>(), ResumeServerOptions.HashKeySecretName) is { } key)
            {
                o.HashKey = key;
            }
        });
        // HashKeyFile or the secret provider fill HashKey once, before validation, so every
        // instance of a fleet hashes tokens alike (the store holds only hashes).
        options.PostConfigure<IServiceProvider>((o, sp) =>
        {
            if (o.HashKey is null && ServerSecrets.LoadKey(null, o.HashKeyFile, sp.GetService<IServerSecretProvider>(), ResumeServerOptions.HashKeySecretName) is { } key)
            {
                o.HashKey = key;
            }
        });
        options
            .Validate(o => !string.IsNullOrEmpty(o.Name), "ResumeServerOptions.Name must not be empty.")
            .Validate(o => o.AbsoluteLifetime > TimeSpan.Zero, "ResumeServerOptions.AbsoluteLifetime must be positive.")
            .Validate(o => o.InactivityTimeout > TimeSpan.Zero && o.InactivityTimeout <= o.AbsoluteLifetime, "ResumeServerOptions.InactivityTimeout must be positive and at most AbsoluteLifetime.")
            .Validate(o => o.ReuseGrace >= TimeSpan.Zero && o.ReuseGrace <= TimeSpan.FromMinutes(5), "ResumeServerOptions.ReuseGrace must be 0 to 5 minutes: it only covers a retry that lost the server's reply.")
            .Validate(o => o.HashKey is null || o.HashKey.Value.Length >= 32, "ResumeServerOptions.HashKey must be at least 32 bytes when set.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IResumeTokenStore, InMemoryResumeTokenStore>();
        builder.Services.TryAddSingleton<IResumeTokenIssuer, ResumeTokenIssuer>();
        return builder.AddVerifier<ResumeVerifier>();
    }
}
