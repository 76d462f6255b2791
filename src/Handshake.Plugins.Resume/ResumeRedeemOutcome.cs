namespace Handshake.Plugins.Resume;

/// <summary>What happened when a resume token was presented.</summary>
public enum ResumeRedeemOutcome
{
    /// <summary>Accepted: the token is now used and its successor stored in the same family.</summary>
    Accepted = 0,

    /// <summary>No such token (never issued, issued to another user, or already pruned).</summary>
    Unknown = 1,

    /// <summary>The family outlived its absolute lifetime.</summary>
    Expired = 2,

    /// <summary>The token was not used within the inactivity timeout after it was issued.</summary>
    Inactive = 3,

    /// <summary>The family was revoked (sign-out, revoke-by-user, or earlier reuse).</summary>
    Revoked = 4,

    /// <summary>The token was already used, within the reuse grace interval: refused, the family kept (a client retry that lost the reply).</summary>
    ReusedWithinGrace = 5,

    /// <summary>The token was already used, after the grace interval: refused and the whole family revoked (a stolen token).</summary>
    ReusedFamilyRevoked = 6,
}
