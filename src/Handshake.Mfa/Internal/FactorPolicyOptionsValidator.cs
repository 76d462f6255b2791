using Microsoft.Extensions.Options;

namespace Handshake.Mfa.Internal;

/// <summary>Runs <see cref="FactorPolicyRules"/> over every configured user at start-up.</summary>
internal sealed class FactorPolicyOptionsValidator(IEnumerable<IAuthVerifier> verifiers, IOptions<FactorPolicyRuleOptions> rules) : IValidateOptions<FactorPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, FactorPolicyOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var registered = verifiers.ToList();
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (user, factors) in options.Users)
        {
            if (!seen.Add(user))
            {
                failures.Add($"User '{user}' is configured more than once in the factor policies.");
            }

            failures.AddRange(FactorPolicyRules.Validate(user, factors, registered, rules.Value));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
