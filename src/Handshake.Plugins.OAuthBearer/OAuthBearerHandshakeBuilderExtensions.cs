using Handshake.Plugins.OAuthBearer.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// Registers SASL OAUTHBEARER (RFC 7628) with Handshake, under <see cref="OAuthBearerPluginNames.OAuthBearer"/>
/// or another name; each registration's options are named after it, validated at start-up and read when
/// an exchange starts.
/// </summary>
public static class OAuthBearerHandshakeBuilderExtensions
{
    /// <summary>
    /// Registers the client plugin "OAUTHBEARER". The token comes from <see cref="OAuthBearerClientOptions.TokenProvider"/>,
    /// else a registered <see cref="IOAuthBearerTokenProvider"/>, else the factor's secret slot. A bearer token is
    /// replayable, so it leaves only where the engine's cleartext gate allows (verified TLS, a trusted local
    /// socket, or an explicit opt-in).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearer(this IHandshakeBuilder builder) => builder.AddOAuthBearer(OAuthBearerPluginNames.OAuthBearer, null);

    /// <summary>Registers the client plugin "OAUTHBEARER" (see <see cref="AddOAuthBearer(IHandshakeBuilder)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="OAuthBearerClientOptions"/>, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearer(this IHandshakeBuilder builder, Action<OAuthBearerClientOptions>? configure) =>
        builder.AddOAuthBearer(OAuthBearerPluginNames.OAuthBearer, configure);

    /// <summary>Registers the client plugin under <paramref name="name"/> (its options' name too), with its payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The mechanism name.</param>
    /// <param name="configure">Adjusts <see cref="OAuthBearerClientOptions"/>, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearer(this IHandshakeBuilder builder, string name, Action<OAuthBearerClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<OAuthBearerClientOptions>(name, configure, _ => new OAuthBearerOptionsValidation());
        _ = builder.TryAddNamedPlugin(name, sp => new OAuthBearerPlugin(name, sp.GetRequiredService<IOptionsMonitor<OAuthBearerClientOptions>>(), sp.GetService<IOAuthBearerTokenProvider>()));
        return builder.AddPayloadRedactor(name, OAuthBearerPayloadRedactor.Instance);
    }

    /// <summary>
    /// Registers the server verifier "OAUTHBEARER". It is offered only over TLS or a trusted local socket
    /// (unless <see cref="OAuthBearerVerifierOptions.AllowInsecureTransport"/>), names the user from the
    /// token, and accepts users whose policy names OAUTHBEARER for the factor. Register a validator too
    /// (<see cref="AddOAuthBearerJwtValidation"/>, or any <see cref="IOAuthBearerTokenValidator"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearerVerifier(this IHandshakeBuilder builder) => builder.AddOAuthBearerVerifier(OAuthBearerPluginNames.OAuthBearer, null);

    /// <summary>Registers the server verifier "OAUTHBEARER" (see <see cref="AddOAuthBearerVerifier(IHandshakeBuilder)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="OAuthBearerVerifierOptions"/>, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearerVerifier(this IHandshakeBuilder builder, Action<OAuthBearerVerifierOptions>? configure) =>
        builder.AddOAuthBearerVerifier(OAuthBearerPluginNames.OAuthBearer, configure);

    /// <summary>Registers the server verifier under <paramref name="name"/> (its options' name too), with its payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The mechanism name.</param>
    /// <param name="configure">Adjusts <see cref="OAuthBearerVerifierOptions"/>, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddOAuthBearerVerifier(this IHandshakeBuilder builder, string name, Action<OAuthBearerVerifierOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<OAuthBearerVerifierOptions>(name, configure, _ => new OAuthBearerOptionsValidation());
        _ = builder.TryAddNamedVerifier(name, sp => new OAuthBearerVerifier(name, sp.GetRequiredService<IOptionsMonitor<OAuthBearerVerifierOptions>>(), sp.GetService<IOAuthBearerTokenValidator>()));
        return builder.AddPayloadRedactor(name, OAuthBearerPayloadRedactor.Instance);
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
