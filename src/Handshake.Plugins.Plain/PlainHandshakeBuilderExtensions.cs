using Handshake.Plugins.Plain.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Plain;

/// <summary>Registers SASL PLAIN (RFC 4616) with Handshake, under its mechanism name or another.</summary>
public static class PlainHandshakeBuilderExtensions
{
    /// <summary>
    /// Registers the client plugin "PLAIN". It sends the password itself, so it runs only where the
    /// engine's cleartext gate allows (verified TLS, a trusted local socket, or an explicit opt-in), and
    /// ranks below every SCRAM mechanism in an offer. Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlain(this IHandshakeBuilder builder) => builder.AddPlain(PlainPluginNames.Plain);

    /// <summary>Registers the client plugin under <paramref name="name"/>, with its payload redactor. Calling it twice with one name is harmless.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The mechanism name.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlain(this IHandshakeBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.TryAddNamedPlugin(name, _ => new PlainPlugin(name));
        return builder.AddPayloadRedactor(name, PlainPayloadRedactor.Instance);
    }

    /// <summary>
    /// Registers the server verifier "PLAIN", which checks the password against the user's stored
    /// credential of <see cref="PlainVerifierOptions.CredentialFamily"/> (register that family's verifier
    /// too, e.g. <c>AddScramVerifier</c>, which brings its <see cref="IStoredPasswordChecker"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlainVerifier(this IHandshakeBuilder builder) =>
        builder.AddPlainVerifier(PlainPluginNames.Plain, null);

    /// <summary>
    /// Registers the server verifier "PLAIN", which checks the password against the user's stored
    /// credential of <see cref="PlainVerifierOptions.CredentialFamily"/> (register that family's verifier
    /// too, e.g. <c>AddScramVerifier</c>, which brings its <see cref="IStoredPasswordChecker"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts <see cref="PlainVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlainVerifier(this IHandshakeBuilder builder, Action<PlainVerifierOptions>? configure) =>
        builder.AddPlainVerifier(PlainPluginNames.Plain, configure);

    /// <summary>
    /// Registers the server verifier under <paramref name="name"/>, with the options of that name (read
    /// for each offer and exchange, validated at start-up) and its payload redactor. Calling it twice
    /// with one name is harmless (configurations add up).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The mechanism name, also its options' name.</param>
    /// <param name="configure">Adjusts <see cref="PlainVerifierOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddPlainVerifier(this IHandshakeBuilder builder, string name, Action<PlainVerifierOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<PlainVerifierOptions>(name, configure, sp => new PlainVerifierOptionsValidator(sp.GetServices<IStoredPasswordChecker>()));
        _ = builder.TryAddNamedVerifier(name, sp => new PlainVerifier(name, sp.GetRequiredService<IOptionsMonitor<PlainVerifierOptions>>(), sp.GetServices<IStoredPasswordChecker>()));
        return builder.AddPayloadRedactor(name, PlainPayloadRedactor.Instance);
    }
}
