using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>
/// Builds outgoing messages (type byte, then an Int32 length that counts itself, then the body) into
/// one buffer, so each flush writes whole messages. The buffer is wiped when flushed or disposed:
/// SASL messages carry proofs.
/// </summary>
internal sealed class PgWriter : IDisposable
{
    private byte[] _buffer = new byte[256];
    private int _count;
    private int _lengthOffset = -1;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _count);

    /// <summary>Starts a typed message; <paramref name="type"/> 0 starts an untyped one (StartupMessage, SSLRequest).</summary>
    public PgWriter Begin(byte type)
    {
        if (type != 0)
        {
            WriteByte(type);
        }

        _lengthOffset = _count;
        return WriteInt32(0);
    }

    public PgWriter End()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_lengthOffset), _count - _lengthOffset);
        _lengthOffset = -1;
        return this;
    }

    public PgWriter WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        _count++;
        return this;
    }

    public PgWriter WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        _count += 4;
        return this;
    }

    public PgWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
        _count += value.Length;
        return this;
    }

    public PgWriter WriteCString(string value)
    {
        // Defence in depth: an embedded NUL would split one string into two fields on the wire.
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A string sent to the peer contains a NUL character.", nameof(value));
        }

        var length = PgEncoding.Strict.GetByteCount(value);
        var span = Reserve(length + 1);
        PgEncoding.Strict.GetBytes(value, span);
        span[length] = 0;
        _count += length + 1;
        return this;
    }

    public async ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(Written, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Clear();
        }
    }

    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _count));
        _count = 0;
    }

    public void Dispose() => Clear();

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _count < size)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _count + size)];
            _buffer.AsSpan(0, _count).CopyTo(grown);
            CryptographicOperations.ZeroMemory(_buffer);
            _buffer = grown;
        }

        return _buffer.AsSpan(_count, size);
    }
}
