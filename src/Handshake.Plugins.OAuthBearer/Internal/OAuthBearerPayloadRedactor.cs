using System.Text;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// OAUTHBEARER's client message is a GS2 header, then key=value pairs each ended by 0x01 (RFC 7628 §3.1):
/// the header and the host and port are shown, the bearer token in <c>auth=</c> never. The server's error
/// (a JSON status, scope and discovery URL, §3.2.2) is public and shown; so is the client's lone 0x01
/// that acknowledges it. A message of another shape is hidden entirely.
/// </summary>
internal sealed class OAuthBearerPayloadRedactor : IPayloadRedactor
{
    public static readonly OAuthBearerPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data)
    {
        if (direction == PayloadDirection.ServerToClient || data is [OAuthBearerMessage.Separator])
        {
            return PayloadRedaction.Show(data);
        }

        var parts = Encoding.ASCII.GetString(data).Split((char)OAuthBearerMessage.Separator);
        if (parts.Length < 3 || !parts[0].StartsWith("n,", StringComparison.Ordinal) && !parts[0].StartsWith("y,", StringComparison.Ordinal))
        {
            return PayloadRedaction.Hidden(data);
        }

        var shown = new List<string>(parts.Length) { PeerText.Printable(parts[0], PayloadRedaction.MaxShownLength) };
        foreach (var pair in parts.Skip(1).Where(p => p.Length > 0))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            shown.Add(key is "host" or "port" ? PeerText.Printable(pair, PayloadRedaction.MaxShownLength) : $"{PeerText.Printable(key, 32)}={PayloadRedaction.Redacted}");
        }

        return $"\"{string.Join("^A", shown)}^A^A\"";
    }
}
