using Handshake;
using Handshake.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Handshake engine.</summary>
public static class HandshakeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the negotiator (client engine), the plugin registry, options validated at start-up,
    /// telemetry, the cleartext policy gate and the key-derivation limiter (<see cref="KeyDerivationOptions"/>). Calling it twice is harmless; each call may add configuration.
    /// </summary>
    /// <remarks>
    /// Start-up validation runs when a host starts, and in an application without a host when
    /// <see cref="IAuthNegotiatorFactory"/> or <see cref="IAuthAcceptorFactory"/> is first resolved: a bad
    /// option (or two plugins with one name) throws <see cref="OptionsValidationException"/> there, not at
    /// the first <c>Create()</c>.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the client rules.</param>
    /// <returns>A builder that plugin packages extend.</returns>
    public static IHandshakeBuilder AddHandshake(this IServiceCollection services, Action<HandshakeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HandshakeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HandshakeOptions>, HandshakeOptionsValidator>());
        services.TryAddSingleton<EngineServices>();
        services.TryAddSingleton<AuthPluginRegistry>();
        services.TryAddSingleton<AuthVerifierRegistry>();
        services.TryAddSingleton(sp => new HandshakeTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IAuthSecurityPolicy, DefaultAuthSecurityPolicy>();
        services.AddOptions<KeyDerivationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyDerivationOptions>, KeyDerivationOptionsValidator>());
        services.TryAddSingleton<IKeyDerivationLimiter, KeyDerivationLimiter>();
        services.TryAddSingleton<IAuthNegotiatorFactory, AuthNegotiatorFactory>();
        services.TryAddSingleton<IHandshakeCatalog, HandshakeCatalog>();
        return new HandshakeBuilder(services);
    }
}
