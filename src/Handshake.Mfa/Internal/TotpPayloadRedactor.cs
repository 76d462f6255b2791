namespace Handshake.Mfa.Internal;

/// <summary>
/// The client's one message is the code, which a man in the middle could relay while it is valid:
/// hidden. The server sends nothing secret (no challenge; RFC 6238 is time-based).
/// </summary>
internal sealed class TotpPayloadRedactor : IPayloadRedactor
{
    public static readonly TotpPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) =>
        direction == PayloadDirection.ServerToClient ? PayloadRedaction.Show(data) : PayloadRedaction.Hidden(data);
}
