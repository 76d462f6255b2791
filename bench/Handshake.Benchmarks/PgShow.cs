using System.Buffers.Binary;
using System.Text;

namespace Handshake.Benchmarks;

/// <summary>PostgreSQL's simple query protocol, just enough to read <c>SHOW handshake.resume_token</c> from serve.</summary>
internal static class PgShow
{
    private const int MaxMessage = 64 * 1024;

    /// <summary>Sends the query and returns the one value, or null after an ErrorResponse.</summary>
    public static async Task<string?> ResumeTokenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var sql = Encoding.ASCII.GetBytes("SHOW handshake.resume_token\0");
        var query = new byte[5 + sql.Length];
        query[0] = (byte)'Q';
        BinaryPrimitives.WriteInt32BigEndian(query.AsSpan(1), 4 + sql.Length);
        sql.CopyTo(query, 5);
        await stream.WriteAsync(query, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        string? value = null;
        var header = new byte[5];
        while (true)
        {
            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            if (length is < 4 or > MaxMessage)
            {
                throw new InvalidDataException($"a backend message of {length} bytes");
            }

            var body = new byte[length - 4];
            await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            if (header[0] == (byte)'D' && body.Length >= 6)
            {
                // DataRow: Int16 column count, then Int32 length and the bytes of each column.
                var size = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(2));
                value = Encoding.ASCII.GetString(body, 6, Math.Clamp(size, 0, body.Length - 6));
            }
            else if (header[0] == (byte)'Z')
            {
                return value;
            }
        }
    }
}
