using Handshake.Plugins.CachingSha2.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2;

/// <summary>Registers <c>caching_sha2_password</c> with Handshake.</summary>
public static class CachingSha2BuilderExtensions
{
    /// <summary>Registers the client plugin; options are validated at start-up. Calling it twice is harmless (configurations add up).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options (server key, public key retrieval).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2(this IHandshakeBuilder builder, Action<CachingSha2Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CachingSha2Options>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CachingSha2Options>, CachingSha2OptionsValidator>());
        return builder.AddPlugin<CachingSha2Plugin>();
    }

    /// <summary>Registers the server verifier and its fast-auth cache; options are validated at start-up. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options (RSA private key, cache size).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddCachingSha2Verifier(this IHandshakeBuilder builder, Action<CachingSha2VerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CachingSha2VerifierOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CachingSha2VerifierOptions>, CachingSha2VerifierOptionsValidator>());
        builder.Services.TryAddSingleton(sp => new CachingSha2PasswordCache(sp.GetRequiredService<IOptions<CachingSha2VerifierOptions>>().Value.CacheCapacity));

        // The in-memory cache unless a shared one (a fleet's store) is registered.
        builder.Services.TryAddSingleton<ICachingSha2PasswordCache>(sp => sp.GetRequiredService<CachingSha2PasswordCache>());
        return builder.AddVerifier<CachingSha2Verifier>().AddCredentialFormat(new CachingSha2CredentialFormat());
    }
}
