using System.Buffers.Binary;
using System.Text;

namespace Handshake.Audit.Internal;

/// <summary>The server's half of PostgreSQL protocol 3.0 framing, as small as the scenarios need (PostgreSQL docs, "Message Formats").</summary>
internal static class PgWire
{
    public const int SslRequestCode = 80877103;
    public const int GssEncRequestCode = 80877104;
    public const int CancelRequestCode = 80877102;
    public const int Protocol30 = 196608;

    /// <summary>The largest message the audit server reads from a client: a startup or a SASL response is a few hundred bytes.</summary>
    public const int MaxClientMessage = 64 * 1024;

    public const int AuthOk = 0;
    public const int AuthSasl = 10;
    public const int AuthSaslContinue = 11;
    public const int AuthSaslFinal = 12;

    /// <summary>Reads a startup-phase packet (no type byte): length, then a code and a body.</summary>
    public static async ValueTask<(int Code, byte[] Body)> ReadStartupAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await WireIo.ReadExactAsync(stream, header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 8 or > 10_000)
        {
            throw new ClientProtocolException($"startup packet length {length}");
        }

        var body = new byte[length - 8];
        await WireIo.ReadExactAsync(stream, body, cancellationToken).ConfigureAwait(false);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), body);
    }

    /// <summary>Reads a typed message (type byte, length, body).</summary>
    public static async ValueTask<(byte Type, byte[] Body)> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await WireIo.ReadExactAsync(stream, header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (length is < 4 or > MaxClientMessage)
        {
            throw new ClientProtocolException($"message '{(char)header[0]}' with length {length}");
        }

        var body = new byte[length - 4];
        await WireIo.ReadExactAsync(stream, body, cancellationToken).ConfigureAwait(false);
        return (header[0], body);
    }

    /// <summary>Reads the startup packet's parameters (name/value pairs of C strings).</summary>
    public static Dictionary<string, string> ParseParameters(ReadOnlySpan<byte> body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!body.IsEmpty && body[0] != 0)
        {
            var name = CString(ref body);
            var value = CString(ref body);
            result[name] = value;
        }

        return result;
    }

    /// <summary>Reads a C string and moves past it; the rest when no terminator.</summary>
    public static string CString(ref ReadOnlySpan<byte> span)
    {
        var zero = span.IndexOf((byte)0);
        var text = Encoding.UTF8.GetString(zero < 0 ? span : span[..zero]);
        span = zero < 0 ? [] : span[(zero + 1)..];
        return text;
    }

    public static byte[] Message(byte type, ReadOnlySpan<byte> body)
    {
        var message = new byte[5 + body.Length];
        message[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + body.Length);
        body.CopyTo(message.AsSpan(5));
        return message;
    }

    public static byte[] Authentication(int code, ReadOnlySpan<byte> data)
    {
        var body = new byte[4 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(body, code);
        data.CopyTo(body.AsSpan(4));
        return Message((byte)'R', body);
    }

    public static byte[] SaslMechanisms(IEnumerable<string> mechanisms)
    {
        using var body = new MemoryStream();
        foreach (var mechanism in mechanisms)
        {
            body.Write(Encoding.ASCII.GetBytes(mechanism));
            body.WriteByte(0);
        }

        body.WriteByte(0);
        return Authentication(AuthSasl, body.ToArray());
    }

    /// <summary>An ErrorResponse with severity, SQLSTATE and message (the message is sent exactly as given: scenarios put hostile text in it).</summary>
    public static byte[] Error(string severity, string sqlState, string message)
    {
        using var body = new MemoryStream();
        Field(body, 'S', severity);
        Field(body, 'V', severity);
        Field(body, 'C', sqlState);
        Field(body, 'M', message);
        body.WriteByte(0);
        return Message((byte)'E', body.ToArray());
    }

    /// <summary>AuthenticationOk, the parameters drivers read, BackendKeyData and ReadyForQuery (idle): what a server sends after a login.</summary>
    public static byte[] LoginCompleted(ReadOnlySpan<byte> authenticationOk)
    {
        using var all = new MemoryStream();
        all.Write(authenticationOk);
        foreach (var (name, value) in new[]
        {
            ("server_version", "15.0 (Handshake audit)"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"), ("integer_datetimes", "on"), ("standard_conforming_strings", "on"), ("TimeZone", "UTC"),
        })
        {
            all.Write(Message((byte)'S', [.. Encoding.UTF8.GetBytes(name), 0, .. Encoding.UTF8.GetBytes(value), 0]));
        }

        var key = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(key, Environment.ProcessId);
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(4), 0x5EC2E7);
        all.Write(Message((byte)'K', key));
        all.Write(ReadyForQuery);
        return all.ToArray();
    }

    public static byte[] ReadyForQuery => Message((byte)'Z', "I"u8);

    private static void Field(MemoryStream body, char code, string value)
    {
        body.WriteByte((byte)code);
        body.Write(Encoding.UTF8.GetBytes(value));
        body.WriteByte(0);
    }
}
