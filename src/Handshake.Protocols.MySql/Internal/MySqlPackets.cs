using System.Globalization;
using System.Text;

namespace Handshake.Protocols.MySql.Internal;

/// <summary>Packet bodies shared by both roles.</summary>
internal static class MySqlPackets
{
    public const byte Ok = 0x00;
    public const byte AuthMoreData = 0x01;
    public const byte AuthNextFactor = 0x02;
    public const byte AuthSwitchRequest = 0xFE;
    public const byte Err = 0xFF;

    public static ReadOnlyMemory<byte> OkPacket() =>
        new PayloadWriter().Byte(Ok).Byte(0).Byte(0).UInt16(0x0002 /* SERVER_STATUS_AUTOCOMMIT */).UInt16(0).Written;

    public static ReadOnlyMemory<byte> ErrPacket(ushort code, string sqlState, string message) =>
        new PayloadWriter().Byte(Err).UInt16(code).Byte((byte)'#').Bytes(Encoding.ASCII.GetBytes(sqlState)).Bytes(Encoding.UTF8.GetBytes(message)).Written;

    public static ReadOnlyMemory<byte> NamedData(byte marker, string pluginName, ReadOnlySpan<byte> data) =>
        new PayloadWriter().Byte(marker).NulString(pluginName).Bytes(data).Written;

    /// <summary>ERR: 0xFF, error code (2), optionally '#' + SQLSTATE (5), message.</summary>
    public static (string Code, string Message) ParseErr(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload, "ERR packet");
        _ = reader.ReadByte();
        var code = reader.ReadUInt16();
        var sqlState = string.Empty;
        if (!reader.AtEnd && payload[reader.Position] == (byte)'#')
        {
            _ = reader.ReadByte();
            sqlState = Encoding.ASCII.GetString(reader.ReadBytes(5));
        }

        var message = Encoding.UTF8.GetString(reader.ReadRest());
        var text = sqlState.Length > 0 ? $"#{sqlState} {message}" : message;
        return (code.ToString(CultureInfo.InvariantCulture), text);
    }
}
