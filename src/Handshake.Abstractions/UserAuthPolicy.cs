namespace Handshake;

/// <summary>A user's server-side authentication policy: one to three ordered factors.</summary>
public sealed class UserAuthPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="factors">One to three factors, in the order they are asked for; no plugin twice.</param>
    /// <exception cref="ArgumentException">The factors break a rule of <see cref="FactorPolicyRules"/> that needs no registered verifier (none, more than three, one without a name or credential, a verifier repeated).</exception>
    public UserAuthPolicy(string userName, IReadOnlyList<AuthFactorPolicy> factors)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(factors);
        // The structural rules (count, names, credentials, no repeat) are FactorPolicyRules'; the ones
        // that need the registered verifiers run where they are known (start-up, the acceptor).
        if (FactorPolicyRules.Validate(userName, factors, verifiers: null) is [var first, ..])
        {
            throw new ArgumentException(first, nameof(factors));
        }

        UserName = userName;
        Factors = [.. factors];
    }

    /// <summary>Gets the user.</summary>
    public string UserName { get; }

    /// <summary>Gets the factors, in order.</summary>
    public IReadOnlyList<AuthFactorPolicy> Factors { get; }

    /// <inheritdoc />
    public override string ToString() => $"UserAuthPolicy({UserName}: {string.Join(" -> ", Factors.Select(f => f.PluginName))})";
}
