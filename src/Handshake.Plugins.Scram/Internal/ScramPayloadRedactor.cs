using System.Text;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// Shows what SCRAM makes public and hides the proofs: client-first and server-first as they are (GS2
/// header, user name, nonces, salt, iterations; RFC 5802 §7), the ClientProof <c>p=</c> of client-final
/// and the ServerSignature <c>v=</c> of server-final replaced by <see cref="PayloadRedaction.Redacted"/>
/// (a server error <c>e=</c> is shown: it is what a person needs to read). A message of any other shape
/// is hidden entirely.
/// </summary>
internal sealed class ScramPayloadRedactor : IPayloadRedactor
{
    public static readonly ScramPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || !PayloadRedaction.IsPrintable(data))
        {
            return PayloadRedaction.Hidden(data);
        }

        var text = Encoding.ASCII.GetString(data);
        if (direction == PayloadDirection.ServerToClient)
        {
            // server-first (r=,s=,i=) or server-final (v= or e=).
            return text.StartsWith("r=", StringComparison.Ordinal) || text.StartsWith("v=", StringComparison.Ordinal) || text.StartsWith("e=", StringComparison.Ordinal)
                ? Quote(RedactAttribute(text, 'v', skipFirst: false))
                : PayloadRedaction.Hidden(data);
        }

        if (text.StartsWith("c=", StringComparison.Ordinal))
        {
            // client-final: c=<binding>,r=<nonce>,p=<ClientProof>; the proof is the last attribute.
            return Quote(RedactAttribute(text, 'p', skipFirst: true));
        }

        // client-first starts with the GS2 header: n, y, or p=<cb-name> (whose "p=" is not a proof).
        return text.StartsWith("n,", StringComparison.Ordinal) || text.StartsWith("y,", StringComparison.Ordinal) || text.StartsWith("p=", StringComparison.Ordinal)
            ? Quote(PeerText.Printable(text, PayloadRedaction.MaxShownLength * 2))
            : PayloadRedaction.Hidden(data);
    }

    private static string RedactAttribute(string message, char name, bool skipFirst)
    {
        var parts = message.Split(',');
        for (var i = skipFirst ? 1 : 0; i < parts.Length; i++)
        {
            if (parts[i].Length >= 2 && parts[i][0] == name && parts[i][1] == '=')
            {
                parts[i] = $"{name}={PayloadRedaction.Redacted}";
            }
        }

        return PeerText.Printable(string.Join(',', parts), PayloadRedaction.MaxShownLength * 2);
    }

    private static string Quote(string text) => $"\"{text}\"";
}
