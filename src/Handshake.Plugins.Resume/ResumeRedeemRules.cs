namespace Handshake.Plugins.Resume;

/// <summary>
/// The decision <see cref="IResumeTokenStore.RedeemAsync"/> makes about a found token, in one place,
/// so every store (in memory, a database) applies the same rules in the same order. A store runs it on
/// the state it has locked and then applies the outcome atomically.
/// </summary>
public static class ResumeRedeemRules
{
    /// <summary>Decides what a presentation of a found token does.</summary>
    /// <param name="record">The presented token's record.</param>
    /// <param name="familyRevoked">Whether its family is revoked.</param>
    /// <param name="usedAt">When the token was used, or null when never.</param>
    /// <param name="request">The presentation.</param>
    /// <returns>
    /// <see cref="ResumeRedeemOutcome.Accepted"/> (mark it used, store the successor),
    /// <see cref="ResumeRedeemOutcome.ReusedFamilyRevoked"/> (revoke the family), or a refusal with no change.
    /// </returns>
    public static ResumeRedeemOutcome Decide(ResumeTokenRecord record, bool familyRevoked, DateTimeOffset? usedAt, in ResumeRedeemRequest request)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (familyRevoked)
        {
            return ResumeRedeemOutcome.Revoked;
        }

        if (usedAt is { } used)
        {
            // Reuse detection (as Supabase's refresh tokens): a second presentation is always refused;
            // inside the grace interval it is taken for a client retry that lost the reply, after it
            // for a stolen token, and the whole family goes.
            return request.Now - used < request.ReuseGrace ? ResumeRedeemOutcome.ReusedWithinGrace : ResumeRedeemOutcome.ReusedFamilyRevoked;
        }

        if (request.Now >= record.ExpiresAt)
        {
            return ResumeRedeemOutcome.Expired;
        }

        return request.Now - record.IssuedAt >= request.InactivityTimeout ? ResumeRedeemOutcome.Inactive : ResumeRedeemOutcome.Accepted;
    }
}
