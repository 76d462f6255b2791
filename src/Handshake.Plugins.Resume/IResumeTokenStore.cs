namespace Handshake.Plugins.Resume;

/// <summary>
/// Where the server keeps resume tokens, by hash. Implementations must be safe under concurrency:
/// <see cref="RedeemAsync"/> is one atomic check-use-and-rotate, so of any number of simultaneous
/// presentations of one token at most one is accepted. The default is <see cref="InMemoryResumeTokenStore"/>
/// (one process); a fleet shares a real store (e.g. a database row per token, redeemed in one transaction).
/// </summary>
public interface IResumeTokenStore
{
    /// <summary>Stores a newly issued family's first token.</summary>
    /// <param name="tokenHash">The token's hash.</param>
    /// <param name="record">What it stands for.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    ValueTask AddAsync(string tokenHash, ResumeTokenRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically: finds the token; refuses it when unknown, revoked, expired, inactive or already used
    /// (revoking the family when the use is older than the grace interval); otherwise marks it used and
    /// stores the successor (same family, generation + 1, issued now).
    /// </summary>
    /// <param name="request">The presentation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome and the presented token's record.</returns>
    ValueTask<ResumeRedeemResult> RedeemAsync(ResumeRedeemRequest request, CancellationToken cancellationToken);

    /// <summary>Revokes one family (sign-out of one session).</summary>
    /// <param name="familyId">The family.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the family existed and was not already revoked.</returns>
    ValueTask<bool> RevokeFamilyAsync(string familyId, CancellationToken cancellationToken);

    /// <summary>Revokes every family of a user ("sign out everywhere").</summary>
    /// <param name="userName">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many families were revoked.</returns>
    ValueTask<int> RevokeUserAsync(string userName, CancellationToken cancellationToken);
}
