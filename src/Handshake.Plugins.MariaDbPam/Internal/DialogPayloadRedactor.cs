namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>
/// A dialog question is the server's text, not a secret: its type byte is named and its text shown.
/// Every answer (a password, a code) is hidden, as is any server packet that is not a question.
/// </summary>
internal sealed class DialogPayloadRedactor : IPayloadRedactor
{
    public static readonly DialogPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data)
    {
        if (direction == PayloadDirection.ClientToServer || data.Length < 2 || !PayloadRedaction.IsPrintable(data[1..]) || !DialogWire.TryParseQuestion(data, out var echo, out var last, out _))
        {
            return PayloadRedaction.Hidden(data);
        }

        return $"0x{data[0]:x2} (question, {(echo ? "echo" : "no echo")}{(last ? ", last" : string.Empty)}) {PayloadRedaction.Show(data[1..])}";
    }
}
