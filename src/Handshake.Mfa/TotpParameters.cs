namespace Handshake.Mfa;

/// <summary>How a TOTP code is derived: the HMAC, the number of digits and the time step (T0 is always 0, the Unix epoch).</summary>
public sealed record TotpParameters
{
    /// <summary>The fewest digits a code may have (RFC 4226 §5.3 requires at least 6).</summary>
    public const int MinDigits = 6;

    /// <summary>The most digits a code may have.</summary>
    public const int MaxDigits = 8;

    /// <summary>The default time step, in seconds (RFC 6238 §5.2).</summary>
    public const int DefaultPeriodSeconds = 30;

    /// <summary>Gets the parameters nearly every authenticator app uses: SHA-1, 6 digits, 30 seconds.</summary>
    public static TotpParameters Default { get; } = new();

    /// <summary>Gets the HMAC. Default <see cref="TotpAlgorithm.Sha1"/>.</summary>
    public TotpAlgorithm Algorithm { get; init; } = TotpAlgorithm.Sha1;

    /// <summary>Gets the number of digits, 6 to 8. Default 6.</summary>
    public int Digits { get; init; } = MinDigits;

    /// <summary>Gets the time step in seconds, at least 1. Default 30.</summary>
    public int PeriodSeconds { get; init; } = DefaultPeriodSeconds;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Digits outside 6..8, a period below 1 s, or an unknown algorithm.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Digits, MinDigits, nameof(Digits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Digits, MaxDigits, nameof(Digits));
        ArgumentOutOfRangeException.ThrowIfLessThan(PeriodSeconds, 1, nameof(PeriodSeconds));
        if (!Enum.IsDefined(Algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(Algorithm), Algorithm, "Unknown TOTP algorithm.");
        }
    }
}
