namespace Handshake.Mfa;

/// <summary>
/// Per-user factor policies for the acceptor, filled by <c>AddFactorPolicies</c> and checked at
/// start-up by <see cref="FactorPolicyRules"/> (messages name the user and the factor), with the
/// switches of <see cref="FactorPolicyRuleOptions"/> the acceptor uses too.
/// </summary>
public sealed class FactorPolicyOptions
{
    private readonly List<KeyValuePair<string, IReadOnlyList<AuthFactorPolicy>>> _users = [];

    /// <summary>Gets the configured users and their factors, in the order added.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<AuthFactorPolicy>>> Users => _users;

    /// <summary>Adds a user with ordered factors. Nothing is checked here; the start-up validation reports every problem at once.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="factors">The factors, in the order they are asked for.</param>
    /// <returns>These options.</returns>
    public FactorPolicyOptions Add(string userName, params AuthFactorPolicy[] factors)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(factors);
        _users.Add(new(userName, [.. factors]));
        return this;
    }

    /// <summary>Adds a user's policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>These options.</returns>
    public FactorPolicyOptions Add(UserAuthPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _users.Add(new(policy.UserName, policy.Factors));
        return this;
    }
}
