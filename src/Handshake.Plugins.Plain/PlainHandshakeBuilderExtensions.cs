using Handshake.Plugins.Plain.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Plain;

/// <summary>Registers SASL PLAIN (RFC 4616) with Handshake.</summary>
public static class PlainHandshakeBuilderExtensions
{
    /// <summary>
    /// Registers the client plugin "PLAIN". It sends the password itself, so it runs only where the
    /// engine's cleartext gate allows (verified TLS, a trusted local socket, or an explicit opt-in), and
    /// ranks below every SCRAM mechanism in an offer. Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlain(this IHandshakeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPlugin<PlainPlugin>();
    }

    /// <summary>
    /// Registers the server verifier "PLAIN", which checks the password against the user's stored
    /// credential of <see cref="PlainVerifierOptions.CredentialFamily"/> (register that family's verifier
    /// too, e.g. <c>AddScramVerifier</c>, which brings its <see cref="IStoredPasswordChecker"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="PlainVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlainVerifier(this IHandshakeBuilder builder, Action<PlainVerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PlainVerifierOptions>();
        if (configure is not null)
        {
            _ = options.Configure(configure);
        }

        _ = options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlainVerifierOptions>, PlainVerifierOptionsValidator>());
        return builder.AddVerifier<PlainVerifier>();
    }
}
