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

    /// <summary>
    /// Gets, on the server, the key a verifier recovered from the login when its options asked for it
    /// (SCRAM's and mysql_native_password's <c>RecoverPassThroughKey</c>), for logging in to a backend as
    /// the user; null otherwise. Whoever holds the result owns it: dispose it when the backend login is
    /// done (it is zeroed then). It is never part of <see cref="ToString"/>.
    /// </summary>
    public PassThroughCredential? PassThroughCredential { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"user {UserName}, AAL{AssuranceLevel}, {Rounds} rounds, {Elapsed.TotalMilliseconds:0.###} ms [{string.Join("; ", Factors)}]";
}
