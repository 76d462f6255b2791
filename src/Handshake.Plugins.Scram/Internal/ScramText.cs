using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>The lexical rules of RFC 5802 §7, bounded so a peer cannot make us allocate what it chooses.</summary>
internal static class ScramText
{
    /// <summary>The longest SCRAM message accepted from a peer (a real one is under 300 bytes).</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>The longest error value shown from a server's <c>e=</c>.</summary>
    public const int MaxShownErrorLength = 200;

    /// <summary>printable = %x21-2B / %x2D-7E: printable ASCII except ','.</summary>
    public static bool IsNonceChar(byte b) => b is >= 0x21 and <= 0x7E and not (byte)',';

    /// <summary>Whether every byte is printable ASCII (%x21-7E), as every server-first attribute is.</summary>
    public static bool IsPrintableAscii(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x21 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a value is a non-empty nonce of printable chars without ','.</summary>
    public static bool IsValidNonce(ReadOnlySpan<byte> nonce)
    {
        if (nonce.IsEmpty)
        {
            return false;
        }

        foreach (var b in nonce)
        {
            if (!IsNonceChar(b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes strict base64 (RFC 5802 §7 base64: the alphabet and '=' padding only, no whitespace,
    /// length a multiple of 4). Returns null when the text is not that.
    /// </summary>
    public static byte[]? DecodeBase64(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        return TryDecodeBase64(text, buffer, out var written) ? buffer.AsSpan(0, written).ToArray() : null;
    }

    /// <summary>Decodes strict base64 as <see cref="DecodeBase64"/> does, into a caller's buffer; false when the text is not that or does not fit.</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.IsEmpty || text.Length % 4 != 0)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/' or (byte)'='))
            {
                return false;
            }
        }

        return Base64.DecodeFromUtf8(text, destination, out var consumed, out written) == System.Buffers.OperationStatus.Done && consumed == text.Length;
    }

    /// <summary>Parses a positive decimal count of at most 10 digits; null when it is not one.</summary>
    public static int? ParseCount(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty || digits.Length > 10 || (digits[0] == (byte)'0' && digits.Length > 1))
        {
            return null;
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return null;
            }
        }

        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>RFC 5802 §5.1: saslname escapes ',' as "=2C" and '=' as "=3D".</summary>
    public static string EscapeSaslName(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    /// <summary>Undoes saslname escaping; null when an '=' is not followed by "2C" or "3D" (RFC 5802 §5.1: MUST fail) or the bytes are not UTF-8.</summary>
    public static string? UnescapeSaslName(ReadOnlySpan<byte> value)
    {
        var output = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b == (byte)'=')
            {
                if (i + 2 >= value.Length)
                {
                    return null;
                }

                if (value[i + 1] == (byte)'2' && value[i + 2] == (byte)'C')
                {
                    output.Add((byte)',');
                }
                else if (value[i + 1] == (byte)'3' && value[i + 2] == (byte)'D')
                {
                    output.Add((byte)'=');
                }
                else
                {
                    return null;
                }

                i += 2;
            }
            else if (b is (byte)',' or 0)
            {
                return null;
            }
            else
            {
                output.Add(b);
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. output]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Splits at the first ',' (or the end).</summary>
    public static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> rest, out bool more)
    {
        var comma = rest.IndexOf((byte)',');
        if (comma < 0)
        {
            var all = rest;
            rest = [];
            more = false;
            return all;
        }

        var field = rest[..comma];
        rest = rest[(comma + 1)..];
        more = true;
        return field;
    }

    /// <summary>Whether a field is "<paramref name="name"/>=..." and its value.</summary>
    public static bool TryAttribute(ReadOnlySpan<byte> field, char name, out ReadOnlySpan<byte> value)
    {
        if (field.Length >= 2 && field[0] == (byte)name && field[1] == (byte)'=')
        {
            value = field[2..];
            return true;
        }

        value = default;
        return false;
    }
}
