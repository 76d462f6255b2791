using System.Text;

namespace Handshake.Plugins.Plain.Internal;

/// <summary>
/// PLAIN's one client message is <c>[authzid] NUL authcid NUL passwd</c> (RFC 4616 §2): the identities
/// are shown, the password never. A message of another shape is hidden entirely; the server sends
/// nothing secret (an empty challenge).
/// </summary>
internal sealed class PlainPayloadRedactor : IPayloadRedactor
{
    public static readonly PlainPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data)
    {
        if (direction == PayloadDirection.ServerToClient)
        {
            return PayloadRedaction.Show(data);
        }

        var first = data.IndexOf((byte)0);
        var second = first < 0 ? -1 : data[(first + 1)..].IndexOf((byte)0);
        if (second < 0 || !PayloadRedaction.IsPrintable(data[..first]) || !PayloadRedaction.IsPrintable(data.Slice(first + 1, second)))
        {
            return PayloadRedaction.Hidden(data);
        }

        var authzid = PeerText.Printable(Encoding.ASCII.GetString(data[..first]), PlainMechanism.MaxFieldLength);
        var authcid = PeerText.Printable(Encoding.ASCII.GetString(data.Slice(first + 1, second)), PlainMechanism.MaxFieldLength);
        return $"authzid \"{authzid}\", authcid \"{authcid}\", passwd {PayloadRedaction.Redacted}";
    }
}
