using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Internal;

/// <summary>Validates acceptor options against the registered verifiers.</summary>
internal sealed class AcceptorOptionsValidator(IServiceProvider services) : IValidateOptions<AcceptorOptions>
{
    public ValidateOptionsResult Validate(string? name, AcceptorOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (options.MaxRounds < 1)
        {
            failures.Add($"AcceptorOptions.MaxRounds must be at least 1 (was {options.MaxRounds}).");
        }

        if (options.MaxFactors is < 1 or > AuthCredentials.MaxFactors)
        {
            failures.Add($"AcceptorOptions.MaxFactors must be 1, 2 or 3 (was {options.MaxFactors}).");
        }

        TimeoutRules.Check(failures, "AcceptorOptions", options.RoundTimeout, options.HandshakeTimeout);
        if (string.IsNullOrEmpty(options.FailureMessage))
        {
            failures.Add("AcceptorOptions.FailureMessage must not be empty.");
        }

        if (RegistryRules.Check<AuthVerifierRegistry>(services, failures) is { } registry)
        {
            if (string.IsNullOrEmpty(options.DefaultPlugin))
            {
                failures.Add($"AcceptorOptions.DefaultPlugin is required: name the verifier the server opens with. Registered: {Describe(registry.Names)}.");
            }
            else if (!registry.TryGet(options.DefaultPlugin, out _))
            {
                failures.Add($"AcceptorOptions.DefaultPlugin '{options.DefaultPlugin}' is not a registered verifier. Registered: {Describe(registry.Names)}.");
            }

            foreach (var alternative in options.AlternativeFirstPlugins)
            {
                if (!registry.TryGet(alternative, out _))
                {
                    failures.Add($"AcceptorOptions.AlternativeFirstPlugins names '{alternative}', which is not a registered verifier. Registered: {Describe(registry.Names)}.");
                }
                else if (string.Equals(alternative, options.DefaultPlugin, StringComparison.Ordinal) || string.Equals(alternative, options.UnknownUserPlugin, StringComparison.Ordinal))
                {
                    failures.Add($"AcceptorOptions.AlternativeFirstPlugins names '{alternative}', which is also the default or unknown-user verifier; an alternative stands in for a user's chain and cannot be it.");
                }
            }

            foreach (var offered in options.OfferedPlugins)
            {
                if (!registry.TryGet(offered, out _))
                {
                    failures.Add($"AcceptorOptions.OfferedPlugins names '{offered}', which is not a registered verifier. Registered: {Describe(registry.Names)}.");
                }
            }

            if (!string.IsNullOrEmpty(options.UnknownUserPlugin) && !registry.TryGet(options.UnknownUserPlugin, out _))
            {
                failures.Add($"AcceptorOptions.UnknownUserPlugin '{options.UnknownUserPlugin}' is not a registered verifier. Registered: {Describe(registry.Names)}.");
            }
        }

        if (services.GetService<ICredentialStore>() is null)
        {
            failures.Add("The acceptor needs an ICredentialStore: call AddInMemoryCredentialStore(...) or AddCredentialStore<T>() on the Handshake builder.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Describe(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
