namespace Handshake.Internal;

/// <summary>
/// MySQL's rules for the 20-byte scramble, shared as source by the MySQL-family plugins (which may
/// depend on Abstractions only, so they cannot share a library): generation as the server's
/// <c>generate_user_salt</c> does, and the trailing NUL the handshake packet adds.
/// </summary>
internal static class MySqlScrambleRules
{
    public const int Length = 20;

    /// <summary>Each random byte masked to 7 bits, NUL or '$' moved up by one, so the scramble is valid UTF-8 and never ends a C string early.</summary>
    public static void Generate(IRandomSource random, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        random.Fill(destination);
        for (var i = 0; i < destination.Length; i++)
        {
            var b = (byte)(destination[i] & 0x7F);
            destination[i] = b is 0 or (byte)'$' ? (byte)(b + 1) : b;
        }
    }

    /// <summary>
    /// The scramble as the server's verifier hands it to the wire: MySQL sends it with a trailing NUL in the
    /// greeting and in AuthSwitchRequest, and clients expect that byte. It is the plugin's wire detail, so the
    /// verifier adds it (the protocol adapter sends what a verifier gives, byte for byte).
    /// </summary>
    public static byte[] WithTrailer(ReadOnlySpan<byte> scramble) => [.. scramble, 0];

    /// <summary>Accepts 20 bytes, or 21 ending in NUL (trimmed); anything else is false.</summary>
    public static bool TryTrim(ReadOnlySpan<byte> scramble, out ReadOnlySpan<byte> trimmed)
    {
        if (scramble.Length == Length + 1 && scramble[Length] == 0)
        {
            scramble = scramble[..Length];
        }

        trimmed = scramble;
        return scramble.Length == Length;
    }
}
