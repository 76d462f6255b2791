using System.Globalization;
using System.Text;

namespace Handshake.Mfa;

/// <summary>
/// Enrollment helpers: a fresh shared secret and the <c>otpauth://totp/...</c> Key URI an
/// authenticator app reads (usually from a QR code). The same URI is a valid stored credential
/// for <see cref="TotpVerifier"/>.
/// </summary>
public static class TotpEnrollment
{
    /// <summary>The default secret length: 160 bits, as RFC 4226 §4 (R6) recommends.</summary>
    public const int DefaultSecretLength = 20;

    /// <summary>Generates a shared secret.</summary>
    /// <param name="random">Where the bytes come from (the OS CSPRNG in production; a fixed source in tests).</param>
    /// <param name="length">The number of bytes, 16 (RFC 4226's 128-bit minimum) to 64.</param>
    /// <returns>The secret; wipe it when it has been stored.</returns>
    public static byte[] GenerateSecret(IRandomSource random, int length = DefaultSecretLength)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 64);
        var secret = GC.AllocateArray<byte>(length, pinned: true);
        random.Fill(secret);
        return secret;
    }

    /// <summary>
    /// Builds the Key URI: <c>otpauth://totp/Issuer:account?secret=BASE32&amp;issuer=Issuer&amp;algorithm=SHA1&amp;digits=6&amp;period=30</c>,
    /// with the label parts and the issuer parameter percent-encoded.
    /// </summary>
    /// <param name="issuer">Who issued the account (the service name the app shows); no colon.</param>
    /// <param name="accountName">The account (user name or e-mail); no colon.</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="parameters">How codes are derived; <see cref="TotpParameters.Default"/> when null.</param>
    /// <returns>The URI. It contains the secret: treat it as one.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1055:URI-like return values should not be strings", Justification = "The Key URI is used as text (a QR code payload, a stored credential); System.Uri.ToString() would unescape the percent-encoded label.")]
    public static string CreateUri(string issuer, string accountName, ReadOnlySpan<byte> secret, TotpParameters? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        if (issuer.Contains(':', StringComparison.Ordinal) || accountName.Contains(':', StringComparison.Ordinal))
        {
            // The label's colon separates issuer from account; the Key URI format forbids it inside either.
            throw new ArgumentException("Neither the issuer nor the account name may contain a colon.", issuer.Contains(':', StringComparison.Ordinal) ? nameof(issuer) : nameof(accountName));
        }

        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret is empty.", nameof(secret));
        }

        parameters ??= TotpParameters.Default;
        parameters.Validate();
        var algorithm = parameters.Algorithm switch
        {
            TotpAlgorithm.Sha256 => "SHA256",
            TotpAlgorithm.Sha512 => "SHA512",
            _ => "SHA1",
        };
        var escapedIssuer = Uri.EscapeDataString(issuer);
        return new StringBuilder("otpauth://totp/")
            .Append(escapedIssuer).Append(':').Append(Uri.EscapeDataString(accountName))
            .Append("?secret=").Append(Base32.Encode(secret))
            .Append("&issuer=").Append(escapedIssuer)
            .Append("&algorithm=").Append(algorithm)
            .Append("&digits=").Append(parameters.Digits.ToString(CultureInfo.InvariantCulture))
            .Append("&period=").Append(parameters.PeriodSeconds.ToString(CultureInfo.InvariantCulture))
            .ToString();
    }
}
