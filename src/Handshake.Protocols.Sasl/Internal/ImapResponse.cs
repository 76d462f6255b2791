namespace Handshake.Protocols.Sasl.Internal;

/// <summary>IMAP response lines as the authentication phase needs them (RFC 9051 §7): status, response code, capabilities.</summary>
internal static class ImapResponse
{
    /// <summary>Splits "STATUS [CODE args] text" into status, response code (first word inside brackets) and text.</summary>
    public static (string Status, string? Code, string? CodeArguments, string Text) ParseStatus(string rest)
    {
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var status = space < 0 ? rest : rest[..space];
        var text = space < 0 ? string.Empty : rest[(space + 1)..];
        string? code = null;
        string? arguments = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close > 0)
            {
                var inside = text[1..close];
                var codeSpace = inside.IndexOf(' ', StringComparison.Ordinal);
                code = codeSpace < 0 ? inside : inside[..codeSpace];
                arguments = codeSpace < 0 ? null : inside[(codeSpace + 1)..];
                text = text[(close + 1)..].TrimStart();
            }
        }

        return (status.ToUpperInvariant(), code?.ToUpperInvariant(), arguments, text);
    }

    public static IReadOnlyList<string> SplitCapabilities(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The SASL mechanisms of AUTH=name capabilities (RFC 9051 §6.2.2), as the server spelled them upper-cased (SASL names are case-insensitive, RFC 4422 §3.1).</summary>
    public static IReadOnlyList<string> Mechanisms(IReadOnlyList<string> capabilities) =>
        [.. capabilities.Where(c => c.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase) && c.Length > 5).Select(c => c[5..].ToUpperInvariant()).Distinct(StringComparer.Ordinal)];

    public static bool Has(IReadOnlyList<string> capabilities, string name) => capabilities.Contains(name, StringComparer.OrdinalIgnoreCase);
}
