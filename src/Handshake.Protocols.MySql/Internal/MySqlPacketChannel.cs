namespace Handshake.Protocols.MySql.Internal;

/// <summary>
/// MySQL packet framing: a 3-byte little-endian payload length and a 1-byte sequence id; payloads of
/// 0xFFFFFF bytes or more are split into 16 MiB chunks, the last one shorter (possibly empty).
/// Sequence ids count up per exchange and are checked on every received packet.
/// </summary>
internal sealed class MySqlPacketChannel(Stream stream, int maxPayload)
{
    public const int MaxChunk = 0xFFFFFF;

    private const int InitialChunkBuffer = 4096;

    private readonly byte[] _header = new byte[4];

    public Stream Stream { get; set; } = stream;

    public byte Sequence { get; set; }

    public int MaxPayload { get; } = maxPayload;

    public void ResetSequence() => Sequence = 0;

    public async ValueTask<byte[]?> TryReadAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        var chunks = new List<byte[]>(1);
        while (true)
        {
            try
            {
                var read = await Stream.ReadAtLeastAsync(_header, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0 && chunks.Count == 0)
                {
                    return null;
                }

                if (read < 4)
                {
                    throw new EndOfStreamException();
                }
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException)
            {
                throw new HandshakeException(AuthErrorCode.TransportFailure, $"The connection closed while reading a MySQL packet ({ex.GetType().Name}).", innerException: ex);
            }

            var length = _header[0] | (_header[1] << 8) | (_header[2] << 16);
            if (_header[3] != Sequence)
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"MySQL packet out of order: sequence id {_header[3]} where {Sequence} was expected.");
            }

            Sequence++;
            if ((long)total + length > MaxPayload)
            {
                // Checked before allocating: a peer-chosen length never sizes a buffer beyond the limit.
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"MySQL packet payload exceeds the limit of {MaxPayload} bytes.");
            }

            byte[] chunk;
            try
            {
                chunk = await ReadChunkAsync(length, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException)
            {
                throw new HandshakeException(AuthErrorCode.TransportFailure, $"The connection closed while reading a MySQL packet ({ex.GetType().Name}).", innerException: ex);
            }

            total += length;
            chunks.Add(chunk);
            if (length < MaxChunk)
            {
                break;
            }
        }

        if (chunks.Count == 1)
        {
            return chunks[0];
        }

        var payload = new byte[total];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(payload, offset);
            offset += chunk.Length;
        }

        return payload;
    }

    /// <summary>
    /// Reads a chunk of the stated length. The buffer grows with the bytes that actually arrive (doubling
    /// from 4 KiB), so a header claiming 16 MiB followed by silence or a close costs kilobytes, not megabytes.
    /// </summary>
    private async ValueTask<byte[]> ReadChunkAsync(int length, CancellationToken cancellationToken)
    {
        if (length <= InitialChunkBuffer)
        {
            var small = new byte[length];
            await Stream.ReadExactlyAsync(small, cancellationToken).ConfigureAwait(false);
            return small;
        }

        var buffer = new byte[InitialChunkBuffer];
        var filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }

            var read = await Stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            filled += read;
        }

        return buffer;
    }

    public async ValueTask<byte[]> ReadAsync(CancellationToken cancellationToken) =>
        await TryReadAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new HandshakeException(AuthErrorCode.TransportFailure, "The peer closed the connection during the MySQL handshake.");

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var length = Math.Min(MaxChunk, payload.Length - offset);
            var packet = new byte[4 + length];
            packet[0] = (byte)length;
            packet[1] = (byte)(length >> 8);
            packet[2] = (byte)(length >> 16);
            packet[3] = Sequence++;
            payload.Span.Slice(offset, length).CopyTo(packet.AsSpan(4));
            try
            {
                await Stream.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                throw new HandshakeException(AuthErrorCode.TransportFailure, $"The connection failed while writing a MySQL packet ({ex.GetType().Name}).", innerException: ex);
            }

            offset += length;

            // A chunk of exactly 0xFFFFFF bytes says "more follows": end with a shorter (maybe empty) one.
            if (length < MaxChunk)
            {
                break;
            }
        }

        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
