using System.Globalization;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>An SMTP reply (RFC 5321 §4.2): a three-digit code and one or more text lines ("250-..." continues, "250 ..." ends).</summary>
internal sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    private const int MaxLines = 64;

    public string Text => string.Join(" ", Lines);

    public static async ValueTask<SmtpReply> ReadAsync(LineConnection lines, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        var code = -1;
        while (texts.Count < MaxLines)
        {
            var line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var lineCode) || (line.Length > 3 && line[3] is not ' ' and not '-'))
            {
                throw SaslErrors.Violation($"The SMTP server sent a line that is not a reply: '{PeerText.Printable(line)}'.");
            }

            if (code >= 0 && lineCode != code)
            {
                throw SaslErrors.Violation("The SMTP server changed the reply code inside one multi-line reply.");
            }

            code = lineCode;
            texts.Add(line.Length > 4 ? line[4..] : string.Empty);
            if (line.Length == 3 || line[3] == ' ')
            {
                return new SmtpReply(code, texts);
            }
        }

        throw SaslErrors.Violation($"The SMTP server sent a reply of more than {MaxLines} lines.");
    }

    /// <summary>The enhanced status code (RFC 3463) at the start of the text, e.g. "5.7.8", when present.</summary>
    public string? EnhancedCode
    {
        get
        {
            var first = Lines.Count > 0 ? Lines[0] : string.Empty;
            var space = first.IndexOf(' ', StringComparison.Ordinal);
            var word = space < 0 ? first : first[..space];
            return word.Length >= 5 && char.IsAsciiDigit(word[0]) && word[1] == '.' ? word : null;
        }
    }
}
