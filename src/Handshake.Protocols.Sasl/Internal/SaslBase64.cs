using System.Buffers.Text;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>SASL payloads on a text line: base64 (RFC 4648 §4), with "=" for an empty initial response (RFC 4959 §3, RFC 4954 §4).</summary>
internal static class SaslBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data);

    public static string EncodeInitial(ReadOnlySpan<byte> data) => data.IsEmpty ? "=" : Convert.ToBase64String(data);

    /// <summary>Decodes a line; a line that is not strict base64 is a protocol violation (the payload is never echoed).</summary>
    public static byte[] Decode(string text, bool initialResponse = false)
    {
        if (initialResponse && text == "=")
        {
            return [];
        }

        if (text.Length == 0)
        {
            return [];
        }

        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || text.Contains(' ', StringComparison.Ordinal))
        {
            throw SaslErrors.Violation("The peer's SASL data is not valid base64 (RFC 4648).");
        }

        return bytes.AsSpan(0, written).ToArray();
    }
}
