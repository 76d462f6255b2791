namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>mysql_clear_password's one client packet is the password and a NUL: hidden. The server sends nothing secret.</summary>
internal sealed class ClearPasswordPayloadRedactor : IPayloadRedactor
{
    public static readonly ClearPasswordPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) =>
        direction == PayloadDirection.ServerToClient ? PayloadRedaction.Show(data) : PayloadRedaction.Hidden(data);
}
