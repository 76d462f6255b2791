using System.Buffers.Binary;
using System.Text;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>
/// Reads fields from one message body. Every read is bounds-checked; a body that ends early or a
/// string without its terminator ends in <see cref="AuthErrorCode.ProtocolViolation"/>.
/// </summary>
internal ref struct PgReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    public PgReader(ReadOnlySpan<byte> body)
    {
        _body = body;
        _position = 0;
    }

    public readonly int Remaining => _body.Length - _position;

    public int ReadInt32()
    {
        if (Remaining < 4)
        {
            throw PgErrors.Violation("A message ended inside a 4-byte integer.");
        }

        var value = BinaryPrimitives.ReadInt32BigEndian(_body[_position..]);
        _position += 4;
        return value;
    }

    public byte ReadByte()
    {
        if (Remaining < 1)
        {
            throw PgErrors.Violation("A message ended early.");
        }

        return _body[_position++];
    }

    /// <summary>Reads a NUL-terminated UTF-8 string.</summary>
    public string ReadCString()
    {
        var rest = _body[_position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw PgErrors.Violation("A string in a message has no terminating NUL.");
        }

        _position += end + 1;
        try
        {
            return PgEncoding.Strict.GetString(rest[..end]);
        }
        catch (DecoderFallbackException ex)
        {
            throw PgErrors.Violation("A string in a message is not valid UTF-8.", ex);
        }
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw PgErrors.Violation($"A length field ({count}) does not fit in the {Remaining} bytes left in the message.");
        }

        var bytes = _body.Slice(_position, count);
        _position += count;
        return bytes;
    }

    public ReadOnlySpan<byte> ReadRest()
    {
        var bytes = _body[_position..];
        _position = _body.Length;
        return bytes;
    }

    public readonly void ExpectEnd(string what)
    {
        if (Remaining != 0)
        {
            throw PgErrors.Violation($"{what} has {Remaining} unexpected trailing bytes.");
        }
    }
}
