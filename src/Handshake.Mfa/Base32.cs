using System.Security.Cryptography;

namespace Handshake.Mfa;

/// <summary>
/// The RFC 4648 §6 base32 alphabet (A–Z, 2–7), as authenticator apps store TOTP secrets. Decoding
/// is strict about content and lenient about presentation: letters in either case, padding
/// optional, spaces ignored (apps show secrets in groups of four); any other character, a
/// misplaced or wrong amount of padding, an impossible length or non-zero trailing bits
/// (RFC 4648 §3.5, non-canonical input) is refused.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Encodes bytes as upper-case base32.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="padding">Whether to pad to a multiple of 8 with '='. Authenticator URIs omit it.</param>
    /// <returns>The text.</returns>
    public static string Encode(ReadOnlySpan<byte> data, bool padding = false)
    {
        var chars = (data.Length * 8 + 4) / 5;
        var total = padding ? (data.Length + 4) / 5 * 8 : chars;
        var buffer = total <= 256 ? stackalloc char[total] : new char[total];
        var bits = 0;
        var accumulator = 0;
        var written = 0;
        foreach (var b in data)
        {
            accumulator = (accumulator << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                buffer[written++] = Alphabet[(accumulator >> bits) & 0x1F];
            }
        }

        if (bits > 0)
        {
            buffer[written++] = Alphabet[(accumulator << (5 - bits)) & 0x1F];
        }

        buffer[written..].Fill('=');
        var text = new string(buffer);
        buffer.Clear();
        return text;
    }

    /// <summary>Decodes base32 text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="FormatException">The text is not valid base32 (the message never quotes it: it may be a secret).</exception>
    public static byte[] Decode(ReadOnlySpan<char> text) =>
        TryDecode(text, out var bytes, out var error) ? bytes : throw new FormatException(error);

    /// <summary>Decodes base32 text without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The bytes, when valid.</param>
    /// <returns>Whether the text was valid base32.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes) =>
        TryDecode(text, out bytes, out _);

    private static bool TryDecode(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes, out string error)
    {
        bytes = null;
        var symbols = 0;
        var pads = 0;
        foreach (var c in text)
        {
            if (c == ' ')
            {
                continue;
            }

            if (c == '=')
            {
                pads++;
            }
            else if (pads > 0)
            {
                error = "Base32 padding ('=') may only appear at the end.";
                return false;
            }
            else if (Value(c) < 0)
            {
                error = "Base32 text may contain only the letters A-Z, the digits 2-7, spaces and trailing '=' padding.";
                return false;
            }
            else
            {
                symbols++;
            }
        }

        // A final quantum of 8 symbols carries 1..5 bytes in 2, 4, 5, 7 or 8 symbols (RFC 4648 §6);
        // 1, 3 and 6 leftover symbols cannot come from any input.
        var tail = symbols % 8;
        if (tail is 1 or 3 or 6)
        {
            error = "Base32 text has an impossible length.";
            return false;
        }

        if (pads > 0 && (tail == 0 || symbols + pads != (symbols + 7) / 8 * 8))
        {
            error = "Base32 padding does not fill the last group of 8 characters.";
            return false;
        }

        var result = new byte[symbols * 5 / 8];
        var bits = 0;
        var accumulator = 0;
        var written = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '=')
            {
                continue;
            }

            accumulator = ((accumulator << 5) | Value(c)) & 0xFFF; // at most 7 pending bits + 5 new
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result[written++] = (byte)(accumulator >> bits);
            }
        }

        // Canonical encodings leave the unused low bits zero (RFC 4648 §3.5).
        if ((accumulator & ((1 << bits) - 1)) != 0)
        {
            CryptographicOperations.ZeroMemory(result);
            error = "Base32 text is not canonical (its last character carries non-zero unused bits).";
            return false;
        }

        bytes = result;
        error = string.Empty;
        return true;
    }

    private static int Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };
}
