using System.Text;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>Text helpers for the wire: strict UTF-8, and peer text made safe to print.</summary>
internal static class PgText
{
    public static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Peer-supplied text for an exception message: control characters replaced, length capped.</summary>
    public static string Printable(string? value, int maxLength = 256)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (var c in value)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
