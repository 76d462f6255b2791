using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Handshake.Protocols.MySql.Internal;

/// <summary>Builds a packet payload.</summary>
internal sealed class PayloadWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public PayloadWriter Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public PayloadWriter UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
        return this;
    }

    public PayloadWriter UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public PayloadWriter Bytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public PayloadWriter Zeros(int count)
    {
        _buffer.GetSpan(count)[..count].Clear();
        _buffer.Advance(count);
        return this;
    }

    public PayloadWriter NulString(string value) => Bytes(Encoding.UTF8.GetBytes(value)).Byte(0);

    public PayloadWriter LengthEncodedInteger(ulong value) => value switch
    {
        < 0xFB => Byte((byte)value),
        <= 0xFFFF => Byte(0xFC).UInt16((ushort)value),
        <= 0xFFFFFF => Byte(0xFD).Byte((byte)value).Byte((byte)(value >> 8)).Byte((byte)(value >> 16)),
        _ => Byte(0xFE).UInt32((uint)value).UInt32((uint)(value >> 32)),
    };

    /// <summary>Wipes the buffer (it may have held an auth response).</summary>
    public void Clear() => _buffer.Clear();
}
