namespace Handshake;

/// <summary>
/// The rules for a user's factor policy, in one place: one to three factors; each names a verifier
/// and has a stored credential; no verifier twice (one secret must not count as two factors); every
/// named verifier registered; a verifier that checks a server-stored password (native password,
/// caching_sha2, SCRAM) only as factor 1 unless <see cref="FactorPolicyRuleOptions"/> allows
/// otherwise (MySQL's rule). <see cref="UserAuthPolicy"/>, the acceptor, start-up validation of
/// configured policies and tools that load users all apply these, so they cannot disagree.
/// </summary>
public static class FactorPolicyRules
{
    /// <summary>Checks one user's factors.</summary>
    /// <param name="userName">The user, for messages.</param>
    /// <param name="factors">The factors in order.</param>
    /// <param name="verifiers">The registered verifiers; null checks only what needs none (count, names, credentials, repeats).</param>
    /// <param name="options">The rule switches; defaults when null.</param>
    /// <returns>One message per broken rule, naming the user and factor; empty when the policy is valid.</returns>
    public static IReadOnlyList<string> Validate(string userName, IReadOnlyList<AuthFactorPolicy?> factors, IEnumerable<IAuthVerifier>? verifiers, FactorPolicyRuleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(factors);
        Dictionary<string, IAuthVerifier>? registered = null;
        if (verifiers is not null)
        {
            registered = new Dictionary<string, IAuthVerifier>(StringComparer.Ordinal);
            foreach (var verifier in verifiers)
            {
                registered.TryAdd(verifier.Name, verifier);
            }
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

            if (registered is null)
            {
                continue;
            }

            if (!registered.TryGetValue(factor.PluginName, out var verifier))
            {
                var names = registered.Count == 0 ? "(none)" : string.Join(", ", registered.Keys.Order(StringComparer.Ordinal));
                failures.Add($"User '{userName}' factor {index} names verifier '{factor.PluginName}', which is not registered. Registered: {names}.");
            }
            else if (CheckPosition(userName, index, verifier, options) is { } position)
            {
                failures.Add(position);
            }
        }

        return failures;
    }

    /// <summary>
    /// The rule that depends on where a verifier sits in the chain: a server-stored-password verifier
    /// only as factor 1 unless allowed. The acceptor applies it to each user it loads.
    /// </summary>
    /// <param name="userName">The user, for the message; null to leave the user out (e.g. in a message a client may see).</param>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <param name="verifier">The verifier at that position.</param>
    /// <param name="options">The rule switches; defaults when null.</param>
    /// <returns>The message when the rule is broken; null when the position is allowed.</returns>
    public static string? CheckPosition(string? userName, int factorIndex, IAuthVerifier verifier, FactorPolicyRuleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        if (factorIndex <= 1 || !verifier.UsesServerStoredPassword || options?.AllowServerStoredPasswordAfterFirstFactor == true)
        {
            return null;
        }

        var who = userName is null ? "The user's policy" : $"User '{userName}'";
        return $"{who} factor {factorIndex} uses '{verifier.Name}', which checks a server-stored password; such verifiers may only be factor 1 (set {nameof(FactorPolicyRuleOptions)}.{nameof(FactorPolicyRuleOptions.AllowServerStoredPasswordAfterFirstFactor)} to allow it).";
    }
}
