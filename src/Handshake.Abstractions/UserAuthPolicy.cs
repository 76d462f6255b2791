namespace Handshake;

/// <summary>A user's server-side authentication policy: one to three ordered factors.</summary>
public sealed class UserAuthPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="factors">One to three factors, in the order they are asked for; no plugin twice.</param>
    /// <exception cref="ArgumentException">No factor, more than three, or a plugin repeated.</exception>
    public UserAuthPolicy(string userName, IReadOnlyList<AuthFactorPolicy> factors)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count is < 1 or > AuthCredentials.MaxFactors)
        {
            throw new ArgumentException($"User '{userName}' must have one to three factors, not {factors.Count}.", nameof(factors));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var factor in factors)
        {
            ArgumentNullException.ThrowIfNull(factor, nameof(factors));
            if (!seen.Add(factor.PluginName))
            {
                throw new ArgumentException($"User '{userName}' names plugin '{factor.PluginName}' for more than one factor.", nameof(factors));
            }
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
