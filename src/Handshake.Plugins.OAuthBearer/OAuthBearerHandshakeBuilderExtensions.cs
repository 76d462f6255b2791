using Handshake.Plugins.OAuthBearer.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.OAuthBearer;

/// <summary>Registers SASL OAUTHBEARER (RFC 7628) with Handshake. Options are named <see cref="OAuthBearerPluginNames.OAuthBearer"/>.</summary>
public static class OAuthBearerHandshakeBuilderExtensions
{
    /// <summary>
    /// Registers the client plugin "OAUTHBEARER". The token comes from <see cref="OAuthBearerClientOptions.TokenProvider"/>,
    /// else a registered <see cref="IOAuthBearerTokenProvider"/>, else the factor's secret slot. A bearer token is
    /// replayable, so it leaves only where the engine's cleartext gate allows (verified TLS, a trusted local
    /// socket, or an explicit opt-in).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="OAuthBearerClientOptions"/>, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearer(this IHandshakeBuilder builder, Action<OAuthBearerClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OAuthBearerClientOptions>(OAuthBearerPluginNames.OAuthBearer);
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OAuthBearerClientOptions>, OAuthBearerOptionsValidation>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthPlugin, OAuthBearerPlugin>(sp => new OAuthBearerPlugin(
            sp.GetRequiredService<IOptionsMonitor<OAuthBearerClientOptions>>().Get(OAuthBearerPluginNames.OAuthBearer),
            sp.GetService<IOAuthBearerTokenProvider>())));
        return builder;
    }

    /// <summary>
    /// Registers the server verifier "OAUTHBEARER". It is offered only over TLS or a trusted local socket
    /// (unless <see cref="OAuthBearerVerifierOptions.AllowInsecureTransport"/>), names the user from the
    /// token, and accepts users whose policy names OAUTHBEARER for the factor. Register a validator too
    /// (<see cref="AddOAuthBearerJwtValidation"/>, or any <see cref="IOAuthBearerTokenValidator"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="OAuthBearerVerifierOptions"/>, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearerVerifier(this IHandshakeBuilder builder, Action<OAuthBearerVerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OAuthBearerVerifierOptions>(OAuthBearerPluginNames.OAuthBearer);
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OAuthBearerVerifierOptions>, OAuthBearerOptionsValidation>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthVerifier, OAuthBearerVerifier>(sp => new OAuthBearerVerifier(
            sp.GetRequiredService<IOptionsMonitor<OAuthBearerVerifierOptions>>().Get(OAuthBearerPluginNames.OAuthBearer),
            sp.GetService<IOAuthBearerTokenValidator>())));
        return builder;
    }

    /// <summary>
    /// Registers <see cref="JwtBearerTokenValidator"/> as the OAUTHBEARER verifier's <see cref="IOAuthBearerTokenValidator"/>,
    /// with <see cref="JwtBearerValidationOptions"/> named <see cref="OAuthBearerPluginNames.OAuthBearer"/> (bind them from
    /// configuration with <c>services.AddOptions&lt;JwtBearerValidationOptions&gt;("OAUTHBEARER").Bind(...)</c>, or set them here).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the issuer, audience and signing keys, or null when they come from configuration.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearerJwtValidation(this IHandshakeBuilder builder, Action<JwtBearerValidationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<JwtBearerValidationOptions>(OAuthBearerPluginNames.OAuthBearer);
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtBearerValidationOptions>, OAuthBearerOptionsValidation>());
        builder.Services.TryAddSingleton<IOAuthBearerTokenValidator>(sp => new JwtBearerTokenValidator(
            sp.GetRequiredService<IOptionsMonitor<JwtBearerValidationOptions>>().Get(OAuthBearerPluginNames.OAuthBearer)));
        return builder;
    }
}
