namespace Handshake.Plugins.Resume;

/// <summary>One presentation of a resume token, with the rules the store applies atomically.</summary>
/// <param name="TokenHash">The presented token's hash.</param>
/// <param name="UserName">The user the client claims; a token issued to another user is <see cref="ResumeRedeemOutcome.Unknown"/>.</param>
/// <param name="SuccessorHash">The hash of the successor token to store if the presented one is accepted.</param>
/// <param name="Now">The current time.</param>
/// <param name="InactivityTimeout">How long after its issue a token may be used.</param>
/// <param name="ReuseGrace">How long after a token's use a second presentation is refused without revoking the family.</param>
public readonly record struct ResumeRedeemRequest(string TokenHash, string UserName, string SuccessorHash, DateTimeOffset Now, TimeSpan InactivityTimeout, TimeSpan ReuseGrace);
