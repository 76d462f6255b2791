namespace Handshake.Mfa;

/// <summary>Options of the server TOTP verifier (<c>AddTotpVerifier</c>). Validated at start-up.</summary>
public sealed class TotpVerifierOptions
{
    /// <summary>
    /// Gets or sets how many time steps before and after the current one are accepted, for clock
    /// drift and typing time (RFC 6238 §5.2 recommends at most one). 0 to 10; default 1.
    /// </summary>
    public int AllowedSkewSteps { get; set; } = 1;

    /// <summary>Gets or sets the consecutive failures that lock the factor (RFC 4226 §7.3 throttling). At least 1; default 5.</summary>
    public int MaxConsecutiveFailures { get; set; } = 5;

    /// <summary>Gets or sets how long a lockout lasts. Positive; default 5 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the parameters for stored credentials that are a bare base32 secret (a URI carries its own). Default SHA-1, 6 digits, 30 s.</summary>
    public TotpParameters DefaultParameters { get; set; } = TotpParameters.Default;

    /// <summary>Gets or sets a value indicating whether the server's first message carries a prompt ("Enter the 6-digit code for alice"). Default true.</summary>
    public bool SendPrompt { get; set; } = true;
}
