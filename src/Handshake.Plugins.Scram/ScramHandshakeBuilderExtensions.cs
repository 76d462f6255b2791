using Handshake.Plugins.Scram.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram;

/// <summary>Registers SCRAM's client plugins and server verifier.</summary>
public static class ScramHandshakeBuilderExtensions
{
    /// <summary>
    /// Registers the client plugins "SCRAM-SHA-256" and "SCRAM-SHA-256-PLUS", with options validated
    /// at start-up. Calling it twice is harmless (a second <paramref name="configure"/> is applied too).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="ScramOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddScram(this IHandshakeBuilder builder, Action<ScramOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ScramOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScramOptions>, ScramOptionsValidator>());
        services.TryAddSingleton<IScramKeyDeriver>(Pbkdf2ScramKeyDeriver.Instance);
        services.TryAddSingleton(sp => new ScramKeyCache(sp.GetRequiredService<IOptions<ScramOptions>>().Value.DerivedKeyCacheCapacity));
        return builder.AddPlugin<ScramSha256Plugin>().AddPlugin<ScramSha256PlusPlugin>();
    }

    /// <summary>
    /// Registers the client plugin "SCRAM-SHA-1" (RFC 5802) besides those of <see cref="AddScram"/>, for
    /// servers that offer nothing stronger (Dovecot 2.3, older MongoDB). Opt-in, since SHA-1 is the weaker
    /// hash; in an offer it ranks below SCRAM-SHA-256, so a server offering both gets SCRAM-SHA-256.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="ScramOptions"/> (shared with SCRAM-SHA-256).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddScramSha1(this IHandshakeBuilder builder, Action<ScramOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScram(configure).AddPlugin<ScramSha1Plugin>();
    }

    /// <summary>
    /// Registers the server verifier "SCRAM-SHA-256" (it also runs SCRAM-SHA-256-PLUS over TLS),
    /// which checks PostgreSQL-format stored credentials (<see cref="ScramCredential"/>), and an
    /// <see cref="IStoredPasswordChecker"/> for them, so a plaintext mechanism (SASL PLAIN) can check a
    /// password against the same credential (one PBKDF2 per attempt).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="ScramVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddScramVerifier(this IHandshakeBuilder builder, Action<ScramVerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ScramVerifierOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScramVerifierOptions>, ScramVerifierOptionsValidator>());
        builder.Services.TryAddSingleton<IScramKeyDeriver>(Pbkdf2ScramKeyDeriver.Instance);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoredPasswordChecker, ScramPasswordChecker>());
        return builder.AddVerifier<ScramSha256Verifier>();
    }
}
