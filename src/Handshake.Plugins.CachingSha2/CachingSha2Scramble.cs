using System.Security.Cryptography;
using Handshake.Internal;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The fast-path arithmetic of <c>caching_sha2_password</c>, allocation-free:
/// <c>SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || scramble)</c> written into a caller's buffer.
/// </summary>
public static class CachingSha2Scramble
{
    /// <summary>The length of a scramble (the server's nonce), in bytes.</summary>
    public const int ScrambleLength = 20;

    /// <summary>The length of a non-empty fast-path response (a SHA-256 digest), in bytes.</summary>
    public const int ResponseLength = 32;

    /// <summary>Computes the client's first (fast-path) response. An empty password gives an empty response.</summary>
    /// <param name="password">The password's UTF-8 bytes.</param>
    /// <param name="scramble">The server's 20-byte scramble, or 21 bytes ending in NUL.</param>
    /// <param name="destination">Where the response goes; at least <see cref="ResponseLength"/> bytes unless the password is empty.</param>
    /// <returns>The number of bytes written: 0 for an empty password, otherwise <see cref="ResponseLength"/>.</returns>
    /// <exception cref="ArgumentException">The scramble has another length, or <paramref name="destination"/> is too small.</exception>
    public static int ComputeFastResponse(ReadOnlySpan<byte> password, ReadOnlySpan<byte> scramble, Span<byte> destination)
    {
        if (!TryTrimScramble(scramble, out scramble))
        {
            throw new ArgumentException($"A caching_sha2_password scramble is {ScrambleLength} bytes (or {ScrambleLength + 1} ending in NUL).", nameof(scramble));
        }

        if (password.IsEmpty)
        {
            return 0;
        }

        if (destination.Length < ResponseLength)
        {
            throw new ArgumentException($"The destination must hold {ResponseLength} bytes.", nameof(destination));
        }

        Span<byte> stage1 = stackalloc byte[ResponseLength];
        Span<byte> buffer = stackalloc byte[ResponseLength + ScrambleLength];
        Span<byte> key = stackalloc byte[ResponseLength];
        try
        {
            Digest.Sha256.Hash(password, stage1);
            Digest.Sha256.Hash(stage1, buffer);
            scramble.CopyTo(buffer[ResponseLength..]);
            Digest.Sha256.Hash(buffer, key);
            for (var i = 0; i < ResponseLength; i++)
            {
                destination[i] = (byte)(stage1[i] ^ key[i]);
            }

            return ResponseLength;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stage1);
            CryptographicOperations.ZeroMemory(buffer);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with a scramble following MySQL's <c>generate_user_salt</c>:
    /// each random byte masked to 7 bits, and NUL or '$' moved up by one.
    /// </summary>
    /// <param name="random">The random source.</param>
    /// <param name="destination">The buffer to fill.</param>
    public static void GenerateScramble(IRandomSource random, Span<byte> destination)
    {
        MySqlScrambleRules.Generate(random, destination);
    }

    /// <summary>Returns the scramble without the trailing NUL the handshake packet adds.</summary>
    /// <param name="scramble">The scramble as received.</param>
    /// <param name="trimmed">The 20 scramble bytes.</param>
    /// <returns>False when the scramble is neither 20 bytes nor 21 bytes ending in NUL.</returns>
    public static bool TryTrimScramble(ReadOnlySpan<byte> scramble, out ReadOnlySpan<byte> trimmed)
    {
        return MySqlScrambleRules.TryTrim(scramble, out trimmed);
    }
}
