using System.Text;

namespace Handshake;

/// <summary>
/// Makes text that came from a peer (a server's error, a user name, a mechanism name) safe to put in an
/// exception message or a log line: control characters become <c>?</c> so a peer cannot forge log lines or
/// move a terminal's cursor, and the length is bounded so a peer cannot make a message unbounded.
/// </summary>
public static class PeerText
{
    /// <summary>The default number of characters kept before the text is cut.</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>Returns <paramref name="text"/> with control characters replaced by <c>?</c>, cut after <see cref="DefaultMaxLength"/> characters.</summary>
    /// <param name="text">Text from a peer; null gives an empty string.</param>
    /// <returns>Printable, bounded text.</returns>
    public static string Printable(string? text) => Printable(text, DefaultMaxLength);

    /// <summary>Returns <paramref name="text"/> with control characters replaced by <c>?</c>, cut after <paramref name="maxLength"/> characters (marked by <c>…</c>).</summary>
    /// <param name="text">Text from a peer; null gives an empty string.</param>
    /// <param name="maxLength">How many characters to keep.</param>
    /// <returns>Printable, bounded text.</returns>
    public static string Printable(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 1);
        foreach (var c in text)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            // Surrogates are kept: a lone one only prints as a replacement glyph, it moves nothing.
            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c);
        }

        return builder.ToString();
    }

    /// <summary>Returns raw peer bytes as text: printable ASCII is kept, every other byte becomes <c>?</c>, cut after <paramref name="maxLength"/> bytes (marked by <c>…</c>).</summary>
    /// <param name="bytes">Bytes from a peer.</param>
    /// <param name="maxLength">How many bytes to show.</param>
    /// <returns>Printable, bounded text.</returns>
    public static string Printable(ReadOnlySpan<byte> bytes, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var shown = bytes[..Math.Min(bytes.Length, maxLength)];
        var builder = new StringBuilder(shown.Length + 1);
        foreach (var b in shown)
        {
            builder.Append(b is >= 0x20 and <= 0x7E ? (char)b : '?');
        }

        if (bytes.Length > maxLength)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }
}
