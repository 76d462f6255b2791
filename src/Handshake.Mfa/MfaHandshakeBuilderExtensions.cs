using Handshake.Mfa.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Mfa;

/// <summary>Registers the TOTP factor and per-user factor policies on the Handshake builder.</summary>
public static class MfaHandshakeBuilderExtensions
{
    /// <summary>Registers the client TOTP plugin as <see cref="TotpPluginNames.Totp"/>, its options validated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotp(this IHandshakeBuilder builder) => builder.AddTotp(TotpPluginNames.Totp, null);

    /// <summary>Registers the client TOTP plugin as <see cref="TotpPluginNames.Totp"/>, its options validated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the plugin (parameters, prompt).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotp(this IHandshakeBuilder builder, Action<TotpClientOptions>? configure) => builder.AddTotp(TotpPluginNames.Totp, configure);

    /// <summary>
    /// Registers the client TOTP plugin under <paramref name="name"/>, with the options of that name
    /// (validated at start-up, read when each exchange starts) and its payload redactor. Calling it
    /// twice with one name is harmless (configurations add up).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The plugin name the server asks for.</param>
    /// <param name="configure">Configures the plugin (parameters, prompt).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotp(this IHandshakeBuilder builder, string name, Action<TotpClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<TotpClientOptions>(name, configure, (_, o) => ParametersValid(o.Parameters) ? [] : ["TotpClientOptions.Parameters must have 6 to 8 digits, a period of at least 1 s and a known algorithm."]);
        _ = builder.TryAddNamedPlugin(name, sp => new TotpPlugin(name, sp.GetRequiredService<IOptionsMonitor<TotpClientOptions>>()));
        return builder.AddPayloadRedactor(name, TotpPayloadRedactor.Instance);
    }

    /// <summary>Registers the server TOTP verifier as <see cref="TotpPluginNames.Totp"/> and, unless one is registered, the in-memory replay/lockout store (a singleton).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotpVerifier(this IHandshakeBuilder builder) => builder.AddTotpVerifier(TotpPluginNames.Totp, null);

    /// <summary>Registers the server TOTP verifier as <see cref="TotpPluginNames.Totp"/> and, unless one is registered, the in-memory replay/lockout store (a singleton).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the verifier (skew, lockout, default parameters).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotpVerifier(this IHandshakeBuilder builder, Action<TotpVerifierOptions>? configure) => builder.AddTotpVerifier(TotpPluginNames.Totp, configure);

    /// <summary>
    /// Registers the server TOTP verifier under <paramref name="name"/>, with the options of that name
    /// (validated at start-up, read when each exchange starts), its stored-credential format and payload
    /// redactor, and, unless one is registered, the in-memory replay/lockout store all registrations share.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The verifier name users' factor policies name.</param>
    /// <param name="configure">Configures the verifier (skew, lockout, default parameters).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotpVerifier(this IHandshakeBuilder builder, string name, Action<TotpVerifierOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = builder.AddNamedOptions<TotpVerifierOptions>(name, configure, (_, o) => VerifierFailures(o));
        builder.Services.TryAddSingleton<ITotpStateStore, InMemoryTotpStateStore>();
        _ = builder.TryAddNamedVerifier(name, sp => new TotpVerifier(name, sp.GetRequiredService<IOptionsMonitor<TotpVerifierOptions>>(), sp.GetRequiredService<ITotpStateStore>()));
        return builder.AddCredentialFormat(new TotpCredentialFormat(name)).AddPayloadRedactor(name, TotpPayloadRedactor.Instance);
    }

    /// <summary>
    /// Makes the acceptor's credential store the per-user factor policies configured here, checked
    /// at start-up (ValidateOnStart) against the registered verifiers by <see cref="FactorPolicyRules"/>.
    /// Replaces any credential store registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds users: <c>policies =&gt; policies.Add("alice", new AuthFactorPolicy(...), ...)</c>.</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddFactorPolicies(this IHandshakeBuilder builder, Action<FactorPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<FactorPolicyOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FactorPolicyOptions>, FactorPolicyOptionsValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ICredentialStore, FactorPolicyCredentialStore>());
        return builder;
    }

    private static IEnumerable<string> VerifierFailures(TotpVerifierOptions o)
    {
        if (o.AllowedSkewSteps is < 0 or > 10)
        {
            yield return "TotpVerifierOptions.AllowedSkewSteps must be 0 to 10.";
        }

        if (o.MaxConsecutiveFailures < 1)
        {
            yield return "TotpVerifierOptions.MaxConsecutiveFailures must be at least 1.";
        }

        if (o.LockoutDuration <= TimeSpan.Zero)
        {
            yield return "TotpVerifierOptions.LockoutDuration must be positive.";
        }

        if (!ParametersValid(o.DefaultParameters))
        {
            yield return "TotpVerifierOptions.DefaultParameters must have 6 to 8 digits, a period of at least 1 s and a known algorithm.";
        }
    }

    private static bool ParametersValid(TotpParameters? parameters)
    {
        if (parameters is null)
        {
            return false;
        }

        try
        {
            parameters.Validate();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
