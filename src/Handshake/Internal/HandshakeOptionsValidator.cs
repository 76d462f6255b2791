using Microsoft.Extensions.Options;

namespace Handshake.Internal;

/// <summary>Validates client options and, by resolving the registry, that no two plugins share a name.</summary>
internal sealed class HandshakeOptionsValidator(IServiceProvider services) : IValidateOptions<HandshakeOptions>
{
    public ValidateOptionsResult Validate(string? name, HandshakeOptions options)
    {
        // Only the default-named options belong to the engine.
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (options.MaxRounds < 1)
        {
            failures.Add($"HandshakeOptions.MaxRounds must be at least 1 (was {options.MaxRounds}).");
        }

        if (options.MaxPluginSwitches < 0)
        {
            failures.Add($"HandshakeOptions.MaxPluginSwitches must not be negative (was {options.MaxPluginSwitches}).");
        }

        if (options.MaxFactors is < 1 or > AuthCredentials.MaxFactors)
        {
            failures.Add($"HandshakeOptions.MaxFactors must be 1, 2 or 3 (was {options.MaxFactors}).");
        }

        TimeoutRules.Check(failures, "HandshakeOptions", options.RoundTimeout, options.HandshakeTimeout);
        foreach (var overlap in options.AllowedPlugins.Intersect(options.DeniedPlugins, StringComparer.Ordinal))
        {
            failures.Add($"Plugin '{overlap}' is both allowed and denied in HandshakeOptions.");
        }

        RegistryRules.Check<AuthPluginRegistry>(services, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
