namespace Handshake;

/// <summary>A completed authentication: who, which factors passed with which plugins, rounds and time.</summary>
public sealed class AuthResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="userName">The authenticated user.</param>
    /// <param name="factors">The factors passed, in order.</param>
    /// <param name="rounds">Total rounds.</param>
    /// <param name="elapsed">Time from the first event to completion.</param>
    public AuthResult(string userName, IReadOnlyList<AuthFactorOutcome> factors, int rounds, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(factors);
        UserName = userName;
        Factors = factors;
        Rounds = rounds;
        Elapsed = elapsed;
    }

    /// <summary>Gets the authenticated user.</summary>
    public string UserName { get; }

    /// <summary>Gets the factors passed, in order.</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors { get; }

    /// <summary>Gets the assurance level: the number of factors passed (1, 2 or 3), as AAL1..AAL3.</summary>
    public int AssuranceLevel => Factors.Count;

    /// <summary>Gets the total number of rounds.</summary>
    public int Rounds { get; }

    /// <summary>Gets the time from the first event to completion.</summary>
    public TimeSpan Elapsed { get; }

    /// <inheritdoc />
    public override string ToString() => $"user {UserName}, AAL{AssuranceLevel}, {Rounds} rounds, {Elapsed.TotalMilliseconds:0.###} ms [{string.Join("; ", Factors)}]";
}
