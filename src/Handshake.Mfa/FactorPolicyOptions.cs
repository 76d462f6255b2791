namespace Handshake.Mfa;

/// <summary>
/// Per-user factor policies for the acceptor, filled by <c>AddFactorPolicies</c> and checked at
/// start-up by <see cref="FactorPolicyRules"/> (messages name the user and the factor).
/// </summary>
public sealed class FactorPolicyOptions
{
    private readonly List<KeyValuePair<string, IReadOnlyList<AuthFactorPolicy>>> _users = [];

    /// <summary>
    /// Gets or sets a value indicating whether verifiers that check a server-stored password may be
    /// factor 2 or 3. Default false (MySQL's rule). Set AcceptorOptions' flag of the same name to
    /// the same value: the acceptor enforces it again per handshake.
    /// </summary>
    public bool AllowServerStoredPasswordAfterFirstFactor { get; set; }

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
