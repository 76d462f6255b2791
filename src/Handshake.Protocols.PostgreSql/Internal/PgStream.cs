using System.Buffers.Binary;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>
/// Reads whole messages from a stream. Every length a peer sends is checked against a bound before
/// anything is allocated for it; a stream that ends mid-message is a <see cref="AuthErrorCode.TransportFailure"/>.
/// </summary>
internal static class PgStream
{
    public static async ValueTask<byte> ReadByteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        await ReadExactlyAsync(stream, one, cancellationToken).ConfigureAwait(false);
        return one[0];
    }

    /// <summary>Reads a typed message: a type byte, an Int32 length that counts itself, the body.</summary>
    public static async ValueTask<(byte Type, byte[] Body)> ReadMessageAsync(Stream stream, int maxBodyLength, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await ReadExactlyAsync(stream, header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (length < 4 || length - 4 > maxBodyLength)
        {
            throw PgErrors.Violation($"The peer sent a message of type '{PrintableType(header[0])}' with length {length}; lengths must be 4 to {maxBodyLength + 4}.");
        }

        var body = await ReadBodyAsync(stream, length - 4, cancellationToken).ConfigureAwait(false);
        return (header[0], body);
    }

    /// <summary>Reads an untyped startup-phase packet (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest); returns its body after the length.</summary>
    public static async ValueTask<byte[]> ReadStartupPacketAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await ReadExactlyAsync(stream, header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);

        // PostgreSQL's own rule (ProcessStartupPacket): at least the code, at most MAX_STARTUP_PACKET_LENGTH.
        if (length < 8 || length > PgProtocol.MaxStartupPacketLength)
        {
            throw PgErrors.Violation($"The client sent a startup packet of length {length}; lengths must be 8 to {PgProtocol.MaxStartupPacketLength}.");
        }

        return await ReadBodyAsync(stream, length - 4, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a body of the length the peer stated, growing the buffer with the bytes that actually
    /// arrive: a header claiming the maximum and then nothing costs a few KiB, not the maximum.
    /// </summary>
    private static async ValueTask<byte[]> ReadBodyAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        const int FirstChunk = 4096;
        if (length == 0)
        {
            return [];
        }

        if (length <= FirstChunk)
        {
            var small = new byte[length];
            await ReadExactlyAsync(stream, small, cancellationToken).ConfigureAwait(false);
            return small;
        }

        var buffer = new byte[FirstChunk];
        var filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                // Doubling: the bytes held are never more than twice the bytes received.
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, length));
            }

            await ReadExactlyAsync(stream, buffer.AsMemory(filled, buffer.Length - filled), cancellationToken).ConfigureAwait(false);
            filled = buffer.Length;
        }

        return buffer;
    }

    public static string PrintableType(byte type) => type is >= 0x21 and < 0x7F ? ((char)type).ToString() : $"0x{type:X2}";

    private static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw PgErrors.Transport("The peer closed the connection during the PostgreSQL startup phase.", ex);
        }
        catch (IOException ex)
        {
            throw PgErrors.Transport($"The connection failed during the PostgreSQL startup phase ({ex.GetType().Name}).", ex);
        }
    }
}
