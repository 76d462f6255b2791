using System.Buffers.Binary;
using System.Text;

namespace Handshake.Interop.Tests.MySql;

/// <summary>
/// Just enough of MySQL's command phase to prove a login is real: COM_QUERY and a one-row,
/// one-column text result set (without CLIENT_DEPRECATE_EOF), read with bounded sizes.
/// </summary>
internal static class MySqlWire
{
    public static async Task<string> QueryScalarAsync(Stream stream, string sql, CancellationToken cancellationToken)
    {
        byte[] query = [0x03, .. Encoding.UTF8.GetBytes(sql)];
        var header = new byte[4];
        header[0] = (byte)query.Length;
        header[1] = (byte)(query.Length >> 8);
        header[2] = (byte)(query.Length >> 16);
        header[3] = 0;
        await stream.WriteAsync(header, cancellationToken);
        await stream.WriteAsync(query, cancellationToken);
        await stream.FlushAsync(cancellationToken);

        var columnCount = await ReadPacketAsync(stream, cancellationToken);
        if (columnCount[0] == 0xFF)
        {
            throw new InvalidOperationException("The query failed: " + Encoding.UTF8.GetString(columnCount.AsSpan(3)));
        }

        _ = await ReadPacketAsync(stream, cancellationToken); // column definition
        _ = await ReadPacketAsync(stream, cancellationToken); // EOF
        var row = await ReadPacketAsync(stream, cancellationToken);
        _ = await ReadPacketAsync(stream, cancellationToken); // EOF
        return row[0] < 0xFB ? Encoding.UTF8.GetString(row, 1, row[0]) : throw new InvalidOperationException("Unexpected row encoding.");
    }

    private static async Task<byte[]> ReadPacketAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = (int)(BinaryPrimitives.ReadUInt32LittleEndian(header) & 0xFFFFFF);
        if (length is 0 or > 65536)
        {
            throw new InvalidOperationException($"Unexpected packet length {length}.");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return payload;
    }
}
