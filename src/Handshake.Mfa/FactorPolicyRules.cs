namespace Handshake.Mfa;

/// <summary>
/// The start-up rules for per-user factor policies: one to three factors; no plugin twice;
/// verifiers that check a server-stored password (native password, caching_sha2, SCRAM) only as
/// factor 1 unless explicitly allowed (MySQL's rule); every named verifier registered. Usable on
/// any policy source (a database-backed store can run it over its users at start-up).
/// </summary>
public static class FactorPolicyRules
{
    /// <summary>Checks one user's factors.</summary>
    /// <param name="userName">The user, for messages.</param>
    /// <param name="factors">The factors in order.</param>
    /// <param name="verifiers">The registered verifiers.</param>
    /// <param name="allowServerStoredPasswordAfterFirstFactor">Whether password verifiers may be factor 2 or 3.</param>
    /// <returns>One message per broken rule, naming the user and factor; empty when the policy is valid.</returns>
    public static IReadOnlyList<string> Validate(string userName, IReadOnlyList<AuthFactorPolicy?> factors, IEnumerable<IAuthVerifier> verifiers, bool allowServerStoredPasswordAfterFirstFactor)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(verifiers);
        var registered = new Dictionary<string, IAuthVerifier>(StringComparer.Ordinal);
        foreach (var verifier in verifiers)
        {
            registered.TryAdd(verifier.Name, verifier);
        }

        var failures = new List<string>();
        if (factors.Count == 0)
        {
            failures.Add($"User '{userName}' has no factor; a policy needs one to three.");
        }
        else if (factors.Count > AuthCredentials.MaxFactors)
        {
            failures.Add($"User '{userName}' has {factors.Count} factors; at most {AuthCredentials.MaxFactors} are allowed.");
        }

        var firstUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < factors.Count; i++)
        {
            var index = i + 1;
            var factor = factors[i];
            if (factor is null || string.IsNullOrEmpty(factor.PluginName))
            {
                failures.Add($"User '{userName}' factor {index} names no verifier.");
                continue;
            }

            if (factor.Credential is null)
            {
                failures.Add($"User '{userName}' factor {index} ({factor.PluginName}) has no stored credential.");
            }

            if (!firstUse.TryAdd(factor.PluginName, index))
            {
                failures.Add($"User '{userName}' names verifier '{factor.PluginName}' for factor {firstUse[factor.PluginName]} and factor {index}; a verifier may appear only once.");
            }

            if (!registered.TryGetValue(factor.PluginName, out var verifier))
            {
                var names = registered.Count == 0 ? "(none)" : string.Join(", ", registered.Keys.Order(StringComparer.Ordinal));
                failures.Add($"User '{userName}' factor {index} names verifier '{factor.PluginName}', which is not registered. Registered: {names}.");
            }
            else if (index > 1 && verifier.UsesServerStoredPassword && !allowServerStoredPasswordAfterFirstFactor)
            {
                failures.Add($"User '{userName}' factor {index} uses '{factor.PluginName}', which checks a server-stored password; such verifiers may only be factor 1 (set AllowServerStoredPasswordAfterFirstFactor to allow it).");
            }
        }

        return failures;
    }
}
