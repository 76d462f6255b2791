using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Handshake.Mfa;

/// <summary>
/// The TOTP calculator: RFC 6238 time steps over RFC 4226 HOTP with dynamic truncation (§5.3).
/// Codes are written as ASCII digits into caller buffers so a code never has to become a string.
/// </summary>
public static class Totp
{
    // 10^0 .. 10^8, for reducing the truncated value to the requested digits (RFC 4226 §5.3 step 3).
    private static readonly int[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>Computes an HOTP value (RFC 4226 §5.3) for a counter.</summary>
    /// <param name="key">The shared secret.</param>
    /// <param name="counter">The moving factor (for TOTP, the time step).</param>
    /// <param name="algorithm">The HMAC.</param>
    /// <param name="digits">The number of digits, 6 to 8.</param>
    /// <returns>The code as a number below 10^<paramref name="digits"/>.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "RFC 4226 and RFC 6238 define HOTP/TOTP over HMAC-SHA-1 and every authenticator app defaults to it; HMAC does not rely on SHA-1's collision resistance.")]
    public static int ComputeHotp(ReadOnlySpan<byte> key, long counter, TotpAlgorithm algorithm, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, TotpParameters.MinDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, TotpParameters.MaxDigits);

        // The counter is an 8-byte big-endian value (RFC 4226 §5.1).
        Span<byte> message = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[HMACSHA512.HashSizeInBytes];
        var length = algorithm switch
        {
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(key, message, mac),
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(key, message, mac),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(key, message, mac),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown TOTP algorithm."),
        };

        // Dynamic truncation (RFC 4226 §5.3): the low 4 bits of the last byte pick an offset; the
        // 31 bits read there (top bit masked to avoid signed/unsigned ambiguity) are the value.
        var offset = mac[length - 1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFF_FFFF;
        CryptographicOperations.ZeroMemory(mac);
        return binary % PowersOfTen[digits];
    }

    /// <summary>Gets the time step of an instant: floor((unix time − T0) / period), T0 = 0 (RFC 6238 §4.2).</summary>
    /// <param name="time">The instant.</param>
    /// <param name="periodSeconds">The step in seconds.</param>
    /// <returns>The step.</returns>
    public static long GetTimeStep(DateTimeOffset time, int periodSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 1);
        var seconds = time.ToUnixTimeSeconds();
        var step = seconds / periodSeconds;

        // Integer division truncates toward zero; the RFC's floor differs only before the epoch.
        return seconds < 0 && seconds % periodSeconds != 0 ? step - 1 : step;
    }

    /// <summary>Writes the code for a time step as ASCII digits, zero-padded to <see cref="TotpParameters.Digits"/>.</summary>
    /// <param name="key">The shared secret.</param>
    /// <param name="step">The time step.</param>
    /// <param name="parameters">How the code is derived.</param>
    /// <param name="destination">Receives exactly <see cref="TotpParameters.Digits"/> bytes.</param>
    public static void WriteCode(ReadOnlySpan<byte> key, long step, TotpParameters parameters, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, parameters.Digits, nameof(destination));
        var value = ComputeHotp(key, step, parameters.Algorithm, parameters.Digits);
        for (var i = parameters.Digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Computes the code for an instant as a string (for tools and tests; prefer <see cref="WriteCode"/> in servers).</summary>
    /// <param name="key">The shared secret.</param>
    /// <param name="time">The instant.</param>
    /// <param name="parameters">How the code is derived (<see cref="TotpParameters.Default"/> for the usual SHA-1, 6 digits, 30 s).</param>
    /// <returns>The code, zero-padded.</returns>
    public static string ComputeCode(ReadOnlySpan<byte> key, DateTimeOffset time, TotpParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        Span<byte> code = stackalloc byte[TotpParameters.MaxDigits];
        WriteCode(key, GetTimeStep(time, parameters.PeriodSeconds), parameters, code);
        return System.Text.Encoding.ASCII.GetString(code[..parameters.Digits]);
    }

    /// <summary>Computes the current code, reading the clock from <paramref name="timeProvider"/>.</summary>
    /// <param name="key">The shared secret.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="parameters">How the code is derived (<see cref="TotpParameters.Default"/> for the usual SHA-1, 6 digits, 30 s).</param>
    /// <returns>The code, zero-padded.</returns>
    public static string ComputeCode(ReadOnlySpan<byte> key, TimeProvider timeProvider, TotpParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return ComputeCode(key, timeProvider.GetUtcNow(), parameters);
    }

    /// <summary>Compares two codes in time that depends only on their lengths (RFC 6238 §5.2 asks verifiers not to leak partial matches).</summary>
    /// <param name="expected">One code (ASCII digits).</param>
    /// <param name="actual">The other code.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool CodesEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        CryptographicOperations.FixedTimeEquals(expected, actual);
}
