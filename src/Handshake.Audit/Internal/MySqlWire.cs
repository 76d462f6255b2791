using System.Buffers.Binary;
using System.Text;

namespace Handshake.Audit.Internal;

/// <summary>The server's half of MySQL packet framing (3-byte length, sequence id) with the sequence tracked per connection.</summary>
internal sealed class MySqlWire(ScenarioContext context)
{
    public const uint ClientLongPassword = 0x1;
    public const uint ClientConnectWithDb = 0x8;
    public const uint ClientProtocol41 = 0x200;
    public const uint ClientSsl = 0x800;
    public const uint ClientSecureConnection = 0x8000;
    public const uint ClientPluginAuth = 0x80000;
    public const uint ClientConnectAttrs = 0x100000;
    public const uint ClientPluginAuthLenencData = 0x200000;
    public const uint ClientMultiFactorAuthentication = 1u << 28;

    /// <summary>The largest packet the audit server reads from a client: a HandshakeResponse is a few hundred bytes.</summary>
    public const int MaxClientPacket = 64 * 1024;

    private byte _sequence = 255;

    public async ValueTask<byte[]> ReadAsync()
    {
        var header = new byte[4];
        await WireIo.ReadExactAsync(context.Stream, header, context.Token).ConfigureAwait(false);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        if (length > MaxClientPacket)
        {
            throw new ClientProtocolException($"client packet of {length} bytes");
        }

        _sequence = header[3];
        var payload = new byte[length];
        await WireIo.ReadExactAsync(context.Stream, payload, context.Token).ConfigureAwait(false);
        return payload;
    }

    public ValueTask WriteAsync(ReadOnlySpan<byte> payload) => context.SendAsync(Frame(payload));

    /// <summary>Reads an answer within the connection phase; a COM_QUIT (sequence 0, payload 0x01) there is the client giving up.</summary>
    public async ValueTask<byte[]> ReadAnswerAsync()
    {
        var payload = await ReadAsync().ConfigureAwait(false);
        if (_sequence == 0 && payload is [0x01])
        {
            context.Facts.Add("client: COM_QUIT (gave up)");
            throw new ClientClosedException();
        }

        return payload;
    }

    /// <summary>Gets the sequence id of the last packet read.</summary>
    public byte LastSequence => _sequence;

    /// <summary>Starts a new command phase: the client's command is sequence 0.</summary>
    public void ResetSequence() => _sequence = 255;

    public byte[] Frame(ReadOnlySpan<byte> payload)
    {
        _sequence++;
        var packet = new byte[4 + payload.Length];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = _sequence;
        payload.CopyTo(packet.AsSpan(4));
        return packet;
    }

    public static byte[] Greeting(ReadOnlySpan<byte> scramble, uint capabilities, string plugin)
    {
        using var body = new MemoryStream();
        body.WriteByte(10);
        body.Write("8.0.36-handshake-audit"u8);
        body.WriteByte(0);
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(u32, 7);
        body.Write(u32);
        body.Write(scramble[..8]);
        body.WriteByte(0);
        body.WriteByte((byte)capabilities);
        body.WriteByte((byte)(capabilities >> 8));
        body.WriteByte(255); // utf8mb4_0900_ai_ci
        body.WriteByte(2); // SERVER_STATUS_AUTOCOMMIT
        body.WriteByte(0);
        body.WriteByte((byte)(capabilities >> 16));
        body.WriteByte((byte)(capabilities >> 24));
        body.WriteByte((byte)(scramble.Length + 1));
        body.Write(new byte[10]);
        body.Write(scramble[8..]);
        body.WriteByte(0);
        body.Write(Encoding.ASCII.GetBytes(plugin));
        body.WriteByte(0);
        return body.ToArray();
    }

    public static byte[] AuthSwitch(byte marker, string plugin, ReadOnlySpan<byte> data) =>
        [marker, .. Encoding.ASCII.GetBytes(plugin), 0, .. data];

    public static byte[] Ok() => [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00];

    /// <summary>An ERR packet (protocol 4.1: code, '#', SQLSTATE, message sent exactly as given).</summary>
    public static byte[] Error(ushort code, string sqlState, string message) =>
        [0xFF, (byte)code, (byte)(code >> 8), (byte)'#', .. Encoding.ASCII.GetBytes(sqlState), .. Encoding.UTF8.GetBytes(message)];
}

/// <summary>The fields of a HandshakeResponse41 the scenarios read.</summary>
internal sealed record MySqlHandshakeResponse(uint Capabilities, string User, byte[] AuthResponse, string? Plugin)
{
    public static MySqlHandshakeResponse Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 32)
        {
            throw new ClientProtocolException("HandshakeResponse shorter than 32 bytes");
        }

        var capabilities = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var rest = payload[32..];
        var user = PgWire.CString(ref rest);
        byte[] auth;
        if ((capabilities & MySqlWire.ClientPluginAuthLenencData) != 0 && !rest.IsEmpty && rest[0] < 0xFB)
        {
            auth = Take(ref rest, rest[0], 1);
        }
        else if ((capabilities & MySqlWire.ClientSecureConnection) != 0 && !rest.IsEmpty)
        {
            auth = Take(ref rest, rest[0], 1);
        }
        else
        {
            var zero = rest.IndexOf((byte)0);
            auth = (zero < 0 ? rest : rest[..zero]).ToArray();
            rest = zero < 0 ? [] : rest[(zero + 1)..];
        }

        if ((capabilities & MySqlWire.ClientConnectWithDb) != 0 && !rest.IsEmpty)
        {
            _ = PgWire.CString(ref rest);
        }

        var plugin = (capabilities & MySqlWire.ClientPluginAuth) != 0 && !rest.IsEmpty ? PgWire.CString(ref rest) : null;
        return new MySqlHandshakeResponse(capabilities, user, auth, plugin);
    }

    private static byte[] Take(ref ReadOnlySpan<byte> span, int length, int skip)
    {
        if (span.Length < skip + length)
        {
            throw new ClientProtocolException("auth response longer than the packet");
        }

        var value = span.Slice(skip, length).ToArray();
        span = span[(skip + length)..];
        return value;
    }
}
