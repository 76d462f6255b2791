using System.Buffers.Binary;
using System.Text;

namespace Handshake.Protocols.MySql.Internal;

/// <summary>Bounds-checked reads from a packet payload; anything short or malformed is a ProtocolViolation.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload, string what)
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private readonly string _what = what;

    public int Position { get; private set; }

    public readonly int Remaining => _payload.Length - Position;

    public readonly bool AtEnd => Position >= _payload.Length;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    /// <summary>A NUL-terminated string; when <paramref name="toEndIfUnterminated"/>, the rest of the payload (some clients omit the last NUL).</summary>
    public string ReadNulString(bool toEndIfUnterminated = false) => Encoding.UTF8.GetString(ReadNulBytes(toEndIfUnterminated));

    public ReadOnlySpan<byte> ReadNulBytes(bool toEndIfUnterminated = false)
    {
        var rest = _payload[Position..];
        var nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            if (!toEndIfUnterminated)
            {
                throw Violation("a string is not NUL-terminated");
            }

            Position = _payload.Length;
            return rest;
        }

        Position += nul + 1;
        return rest[..nul];
    }

    public ulong ReadLengthEncodedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => BinaryPrimitives.ReadUInt64LittleEndian(Take(8)),
            _ => throw Violation($"invalid length-encoded integer prefix 0x{first:X2}"),
        };
    }

    private ulong ReadUInt24()
    {
        var b = Take(3);
        return (ulong)(b[0] | (b[1] << 8) | (b[2] << 16));
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Violation("it ended early");
        }

        var span = _payload.Slice(Position, count);
        Position += count;
        return span;
    }

    private readonly HandshakeException Violation(string reason) =>
        new(AuthErrorCode.ProtocolViolation, $"Malformed MySQL {_what}: {reason}.");
}
