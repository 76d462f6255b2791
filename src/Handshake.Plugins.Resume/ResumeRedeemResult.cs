namespace Handshake.Plugins.Resume;

/// <summary>The store's answer to a presented token.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Record">The presented token's record when it was found (for <see cref="ResumeRedeemOutcome.Accepted"/>, the original login's user, factors and assurance level).</param>
public readonly record struct ResumeRedeemResult(ResumeRedeemOutcome Outcome, ResumeTokenRecord? Record);
