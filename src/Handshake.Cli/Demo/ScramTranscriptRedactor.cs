using System.Text;
using Handshake.Testing;

namespace Handshake.Cli.Demo;

/// <summary>
/// Shows what SCRAM makes public and hides the proofs: client-first and server-first are printed as
/// they are (GS2 header, user name, nonces, salt, iterations; RFC 5802 §7), the client proof <c>p=</c>
/// of client-final and the server signature <c>v=</c> of server-final are replaced by
/// <c>&lt;redacted&gt;</c>. A client message of any other shape is hidden entirely.
/// </summary>
internal sealed class ScramTranscriptRedactor : ITranscriptRedactor
{
    public const string Redacted = "<redacted>";

    public string Render(TranscriptDirection direction, string? pluginName, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "(empty)";
        }

        if (!IsPrintableAscii(data))
        {
            return $"<{data.Length} bytes redacted>";
        }

        var text = Encoding.ASCII.GetString(data);
        if (direction == TranscriptDirection.ServerToClient)
        {
            // server-final: v=<ServerSignature> (or e=<error>, shown: it is what a person needs to read).
            return Quote(RedactAttribute(text, 'v', skipFirst: false));
        }

        if (text.StartsWith("c=", StringComparison.Ordinal))
        {
            // client-final: c=<binding>,r=<nonce>,p=<ClientProof>; the proof is the last attribute.
            return Quote(RedactAttribute(text, 'p', skipFirst: true));
        }

        // client-first starts with the GS2 header: n, y, or p=<cb-name> (whose "p=" is not a proof).
        return text.StartsWith("n,", StringComparison.Ordinal) || text.StartsWith("y,", StringComparison.Ordinal) || text.StartsWith("p=", StringComparison.Ordinal)
            ? Quote(text)
            : $"<{data.Length} bytes redacted>";
    }

    private static string RedactAttribute(string message, char name, bool skipFirst)
    {
        var parts = message.Split(',');
        for (var i = skipFirst ? 1 : 0; i < parts.Length; i++)
        {
            if (parts[i].Length >= 2 && parts[i][0] == name && parts[i][1] == '=')
            {
                parts[i] = $"{name}={Redacted}";
            }
        }

        return string.Join(',', parts);
    }

    private static string Quote(string text) => $"\"{text}\"";

    private static bool IsPrintableAscii(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
