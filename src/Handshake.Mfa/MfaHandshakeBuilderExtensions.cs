using Handshake.Mfa.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Handshake.Mfa;

/// <summary>Registers the TOTP factor and per-user factor policies on the Handshake builder.</summary>
public static class MfaHandshakeBuilderExtensions
{
    /// <summary>Registers the client TOTP plugin, its options validated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the plugin (name, parameters, prompt).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotp(this IHandshakeBuilder builder, Action<TotpClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<TotpClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => !string.IsNullOrEmpty(o.Name), "TotpClientOptions.Name must not be empty.")
            .Validate(o => ParametersValid(o.Parameters), "TotpClientOptions.Parameters must have 6 to 8 digits, a period of at least 1 s and a known algorithm.")
            .ValidateOnStart();
        return builder.AddPlugin<TotpPlugin>();
    }

    /// <summary>Registers the server TOTP verifier and, unless one is registered, the in-memory replay/lockout store (a singleton).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the verifier (name, skew, lockout, default parameters).</param>
    /// <returns>The builder.</returns>
    public static IHandshakeBuilder AddTotpVerifier(this IHandshakeBuilder builder, Action<TotpVerifierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<TotpVerifierOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => !string.IsNullOrEmpty(o.Name), "TotpVerifierOptions.Name must not be empty.")
            .Validate(o => o.AllowedSkewSteps is >= 0 and <= 10, "TotpVerifierOptions.AllowedSkewSteps must be 0 to 10.")
            .Validate(o => o.MaxConsecutiveFailures >= 1, "TotpVerifierOptions.MaxConsecutiveFailures must be at least 1.")
            .Validate(o => o.LockoutDuration > TimeSpan.Zero, "TotpVerifierOptions.LockoutDuration must be positive.")
            .Validate(o => ParametersValid(o.DefaultParameters), "TotpVerifierOptions.DefaultParameters must have 6 to 8 digits, a period of at least 1 s and a known algorithm.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<ITotpStateStore, InMemoryTotpStateStore>();

        // The catalogue names the format by the verifier's name, which configure may change.
        var named = new TotpVerifierOptions();
        configure?.Invoke(named);
        return builder.AddVerifier<TotpVerifier>().AddCredentialFormat(new TotpCredentialFormat(named.Name));
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
