using System.Security.Cryptography;
using Handshake.Plugins.NativePassword.Internal;
using Handshake.Internal;

namespace Handshake.Plugins.NativePassword;

/// <summary>
/// The Native41 arithmetic of <c>mysql_native_password</c>, allocation-free: the client's response
/// <c>SHA1(pw) XOR SHA1(scramble || SHA1(SHA1(pw)))</c> written into a caller's buffer, and the
/// server's scramble generation with MySQL's byte rules.
/// </summary>
public static class NativePasswordScramble
{
    /// <summary>The length of a scramble (the server's nonce), in bytes.</summary>
    public const int ScrambleLength = 20;

    /// <summary>The length of a non-empty response (a SHA-1 digest), in bytes.</summary>
    public const int ResponseLength = 20;

    /// <summary>
    /// Computes the client's response for a password. An empty password gives an empty response
    /// (MySQL sends a zero-length auth response for an account without a password).
    /// </summary>
    /// <param name="password">The password's UTF-8 bytes.</param>
    /// <param name="scramble">The server's 20-byte scramble, or 21 bytes ending in NUL (as the handshake packet carries it).</param>
    /// <param name="destination">Where the response goes; at least <see cref="ResponseLength"/> bytes unless the password is empty.</param>
    /// <returns>The number of bytes written: 0 for an empty password, otherwise <see cref="ResponseLength"/>.</returns>
    /// <exception cref="ArgumentException">The scramble has another length, or <paramref name="destination"/> is too small.</exception>
    public static int ComputeResponse(ReadOnlySpan<byte> password, ReadOnlySpan<byte> scramble, Span<byte> destination)
    {
        scramble = TrimScramble(scramble);
        if (password.IsEmpty)
        {
            return 0;
        }

        Span<byte> stage1 = stackalloc byte[ResponseLength];
        try
        {
            Native41Hash.Sha1(password, stage1);
            return ComputeResponseFromPasswordHash(stage1, scramble, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stage1);
        }
    }

    /// <summary>
    /// Computes the client's response from a pre-hashed password, <c>SHA1(pw)</c> (what mysql2 calls
    /// <c>passwordSha1</c>), so the password itself need never be held.
    /// </summary>
    /// <param name="passwordSha1">The 20-byte SHA-1 of the password.</param>
    /// <param name="scramble">The server's 20-byte scramble, or 21 bytes ending in NUL.</param>
    /// <param name="destination">Where the response goes; at least <see cref="ResponseLength"/> bytes.</param>
    /// <returns><see cref="ResponseLength"/>.</returns>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public static int ComputeResponseFromPasswordHash(ReadOnlySpan<byte> passwordSha1, ReadOnlySpan<byte> scramble, Span<byte> destination)
    {
        if (passwordSha1.Length != ResponseLength)
        {
            throw new ArgumentException($"The password hash must be the {ResponseLength}-byte SHA-1 of the password.", nameof(passwordSha1));
        }

        scramble = TrimScramble(scramble);
        if (destination.Length < ResponseLength)
        {
            throw new ArgumentException($"The destination must hold {ResponseLength} bytes.", nameof(destination));
        }

        // Native41: stage2 = SHA1(stage1); key = SHA1(scramble || stage2); response = stage1 XOR key.
        Span<byte> buffer = stackalloc byte[ScrambleLength + ResponseLength];
        Span<byte> key = stackalloc byte[ResponseLength];
        try
        {
            scramble.CopyTo(buffer);
            Native41Hash.Sha1(passwordSha1, buffer[ScrambleLength..]);
            Native41Hash.Sha1(buffer, key);
            for (var i = 0; i < ResponseLength; i++)
            {
                destination[i] = (byte)(passwordSha1[i] ^ key[i]);
            }

            return ResponseLength;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with a scramble following MySQL's <c>generate_user_salt</c>:
    /// each random byte masked to 7 bits, and NUL or '$' moved up by one, so the scramble is valid
    /// UTF-8 and never ends a C string early.
    /// </summary>
    /// <param name="random">The random source.</param>
    /// <param name="destination">The buffer to fill (normally <see cref="ScrambleLength"/> bytes).</param>
    public static void GenerateScramble(IRandomSource random, Span<byte> destination)
    {
        MySqlScrambleRules.Generate(random, destination);
    }

    /// <summary>Returns the scramble without the trailing NUL the handshake packet adds, or throws on any other length.</summary>
    /// <param name="scramble">The scramble as received.</param>
    /// <returns>The 20 scramble bytes.</returns>
    /// <exception cref="ArgumentException">The scramble is neither 20 bytes nor 21 bytes ending in NUL.</exception>
    public static ReadOnlySpan<byte> TrimScramble(ReadOnlySpan<byte> scramble) =>
        TryTrimScramble(scramble, out var trimmed)
            ? trimmed
            : throw new ArgumentException($"A mysql_native_password scramble is {ScrambleLength} bytes (or {ScrambleLength + 1} ending in NUL); got {scramble.Length}.", nameof(scramble));

    /// <summary>Returns the scramble without the trailing NUL the handshake packet adds.</summary>
    /// <param name="scramble">The scramble as received.</param>
    /// <param name="trimmed">The 20 scramble bytes.</param>
    /// <returns>False when the scramble is neither 20 bytes nor 21 bytes ending in NUL.</returns>
    public static bool TryTrimScramble(ReadOnlySpan<byte> scramble, out ReadOnlySpan<byte> trimmed)
    {
        return MySqlScrambleRules.TryTrim(scramble, out trimmed);
    }
}
