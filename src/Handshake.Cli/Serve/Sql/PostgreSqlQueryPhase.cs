using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Handshake.Cli.Serve.Sql;

/// <summary>
/// PostgreSQL's query phase after ReadyForQuery, as serve answers it (protocol 3.0, chapter 55.2): the
/// simple query protocol (Query: RowDescription, DataRow, CommandComplete per statement, EmptyQueryResponse,
/// ErrorResponse, ReadyForQuery) and the extended one (Parse, Bind, Describe, Execute, Close, Sync, Flush;
/// after an error everything up to Sync is skipped), results in text or binary format (int4, int8, text).
/// Answers go through <see cref="SetupQueryResponder"/>. Each wait has the idle deadline; a message is at
/// most <see cref="MaxMessageLength"/> bytes; at most <see cref="MaxPrepared"/> named statements and portals.
/// </summary>
internal sealed class PostgreSqlQueryPhase(Stream stream, SetupQueryResponder responder, TimeSpan idleTimeout)
{
    /// <summary>The longest frontend message accepted.</summary>
    public const int MaxMessageLength = 1024 * 1024;

    /// <summary>The most prepared statements (and, separately, portals) a session may hold.</summary>
    public const int MaxPrepared = 256;

    private const int OidInt4 = 23;
    private const int OidInt8 = 20;
    private const int OidText = 25;

    private readonly ArrayBufferWriter<byte> _out = new();
    private readonly Dictionary<string, string> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Portal> _portals = new(StringComparer.Ordinal);
    private bool _skipUntilSync;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        while (true)
        {
            byte[] body;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                idle.CancelAfter(idleTimeout);
                if (await stream.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, idle.Token).ConfigureAwait(false) < 5)
                {
                    return;
                }

                var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
                if (length is < 4 or > MaxMessageLength + 4)
                {
                    Error("FATAL", "08P01", $"invalid message length {length.ToString(CultureInfo.InvariantCulture)}");
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                body = new byte[length - 4];
                await stream.ReadExactlyAsync(body, idle.Token).ConfigureAwait(false);
            }

            var type = (char)header[0];
            if (type == 'X')
            {
                return;
            }

            if (!Handle(type, new Reader(body)))
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            // The extended protocol flushes at Sync and Flush only; everything else is answered at once.
            if (type is 'Q' or 'S' or 'H')
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Handles one message; false ends the session (after a FATAL error).</summary>
    private bool Handle(char type, Reader reader)
    {
        if (type == 'S')
        {
            _skipUntilSync = false;
            ReadyForQuery();
            return true;
        }

        if (type == 'H')
        {
            return true;
        }

        if (_skipUntilSync && type is 'P' or 'B' or 'D' or 'E' or 'C' or 'F')
        {
            return true;
        }

        try
        {
            switch (type)
            {
                case 'Q':
                    SimpleQuery(reader.CString());
                    return true;
                case 'P':
                    Parse(reader);
                    return true;
                case 'B':
                    Bind(reader);
                    return true;
                case 'D':
                    Describe(reader);
                    return true;
                case 'E':
                    Execute(reader);
                    return true;
                case 'C':
                    Close(reader);
                    return true;
                case 'F':
                    ExtendedError("0A000", "function calls are not supported by handshake serve");
                    return true;
                default:
                    Error("FATAL", "08P01", $"invalid frontend message type {((int)type).ToString(CultureInfo.InvariantCulture)}");
                    return false;
            }
        }
        catch (FormatException ex)
        {
            Error("FATAL", "08P01", ex.Message);
            return false;
        }
    }

    private void SimpleQuery(string query)
    {
        var statements = SetupQueryResponder.Split(query);
        if (statements.Count == 0)
        {
            Message('I', []);
        }
        else if (statements.Count > SetupQueryResponder.MaxStatements)
        {
            Error("ERROR", "54000", $"more than {SetupQueryResponder.MaxStatements.ToString(CultureInfo.InvariantCulture)} statements in one query");
        }
        else
        {
            foreach (var statement in statements)
            {
                var answer = responder.Answer(statement);
                if (answer is SqlAnswer.Rows rows)
                {
                    RowDescription(rows, formats: []);
                }

                if (!Complete(answer, []))
                {
                    break;
                }
            }
        }

        ReadyForQuery();
    }

    private void Parse(Reader reader)
    {
        var name = reader.CString();
        var query = reader.CString();
        var parameterTypes = reader.Int16();
        for (var i = 0; i < parameterTypes; i++)
        {
            _ = reader.Int32();
        }

        var statements = SetupQueryResponder.Split(query);
        if (statements.Count > 1)
        {
            ExtendedError("42601", "cannot insert multiple commands into a prepared statement");
            return;
        }

        if (name.Length > 0 && !_statements.ContainsKey(name) && _statements.Count >= MaxPrepared)
        {
            ExtendedError("53000", $"more than {MaxPrepared.ToString(CultureInfo.InvariantCulture)} prepared statements");
            return;
        }

        // Errors surface at Describe/Execute, as for a statement that parses but cannot run.
        _statements[name] = statements.Count == 0 ? string.Empty : statements[0];
        Message('1', []);
    }

    private void Bind(Reader reader)
    {
        var portal = reader.CString();
        var statement = reader.CString();
        var parameterFormats = reader.Int16();
        for (var i = 0; i < parameterFormats; i++)
        {
            _ = reader.Int16();
        }

        var parameters = reader.Int16();
        for (var i = 0; i < parameters; i++)
        {
            var length = reader.Int32();
            if (length > 0)
            {
                reader.Skip(length);
            }
        }

        var resultFormats = reader.Int16();
        var formats = new short[Math.Max(0, (int)resultFormats)];
        for (var i = 0; i < formats.Length; i++)
        {
            formats[i] = reader.Int16();
        }

        if (!_statements.TryGetValue(statement, out var sql))
        {
            ExtendedError("26000", $"prepared statement \"{statement}\" does not exist");
            return;
        }

        if (portal.Length > 0 && !_portals.ContainsKey(portal) && _portals.Count >= MaxPrepared)
        {
            ExtendedError("53000", $"more than {MaxPrepared.ToString(CultureInfo.InvariantCulture)} portals");
            return;
        }

        _portals[portal] = new Portal(sql, formats);
        Message('2', []);
    }

    private void Describe(Reader reader)
    {
        var kind = (char)reader.Byte();
        var name = reader.CString();
        if (kind == 'S')
        {
            if (!_statements.TryGetValue(name, out var sql))
            {
                ExtendedError("26000", $"prepared statement \"{name}\" does not exist");
                return;
            }

            // ParameterDescription: serve takes no parameters.
            Message('t', [0, 0]);
            DescribeAnswer(responder.Answer(sql), []);
        }
        else if (_portals.TryGetValue(name, out var portal))
        {
            DescribeAnswer(responder.Answer(portal.Sql), portal.Formats);
        }
        else
        {
            ExtendedError("34000", $"portal \"{name}\" does not exist");
        }
    }

    private void DescribeAnswer(SqlAnswer answer, short[] formats)
    {
        switch (answer)
        {
            case SqlAnswer.Rows rows:
                RowDescription(rows, formats);
                break;
            case SqlAnswer.Failure failure:
                ExtendedError(failure.SqlState, failure.Message);
                break;
            default:
                Message('n', []); // NoData
                break;
        }
    }

    private void Execute(Reader reader)
    {
        var name = reader.CString();
        _ = reader.Int32(); // row limit: every answer is at most one row
        if (!_portals.TryGetValue(name, out var portal))
        {
            ExtendedError("34000", $"portal \"{name}\" does not exist");
            return;
        }

        if (!Complete(responder.Answer(portal.Sql), portal.Formats))
        {
            _skipUntilSync = true;
        }
    }

    private void Close(Reader reader)
    {
        var kind = (char)reader.Byte();
        var name = reader.CString();
        _ = kind == 'S' ? _statements.Remove(name) : _portals.Remove(name);
        Message('3', []);
    }

    /// <summary>DataRows and CommandComplete (or the error, or EmptyQueryResponse); false after an error.</summary>
    private bool Complete(SqlAnswer answer, short[] formats)
    {
        switch (answer)
        {
            case SqlAnswer.Rows rows:
                foreach (var values in rows.Values)
                {
                    var row = new List<byte>();
                    row.AddRange(Int16((short)values.Count));
                    for (var i = 0; i < values.Count; i++)
                    {
                        var value = values[i];
                        if (value is null)
                        {
                            row.AddRange(Int32(-1));
                            continue;
                        }

                        var bytes = Encode(value, rows.Columns[i].Type, Format(formats, i));
                        row.AddRange(Int32(bytes.Length));
                        row.AddRange(bytes);
                    }

                    Message('D', [.. row]);
                }

                CommandComplete(string.Create(CultureInfo.InvariantCulture, $"SELECT {rows.Values.Count}"));
                return true;
            case SqlAnswer.Command command:
                CommandComplete(command.Tag);
                return true;
            case SqlAnswer.Failure failure:
                Error("ERROR", failure.SqlState, failure.Message);
                return false;
            default:
                Message('I', []);
                return true;
        }
    }

    private void RowDescription(SqlAnswer.Rows rows, short[] formats)
    {
        var body = new List<byte>();
        body.AddRange(Int16((short)rows.Columns.Count));
        for (var i = 0; i < rows.Columns.Count; i++)
        {
            var column = rows.Columns[i];
            var oid = Oid(rows, i);
            body.AddRange(Encoding.UTF8.GetBytes(column.Name));
            body.Add(0);
            body.AddRange(Int32(0)); // table OID
            body.AddRange(Int16(0)); // column number
            body.AddRange(Int32(oid));
            body.AddRange(Int16(oid switch { OidInt4 => 4, OidInt8 => 8, _ => -1 }));
            body.AddRange(Int32(-1)); // type modifier
            body.AddRange(Int16(Format(formats, i)));
        }

        Message('T', [.. body]);
    }

    /// <summary>int4 when every value fits (what PostgreSQL types an integer literal as), else int8; text otherwise.</summary>
    private static int Oid(SqlAnswer.Rows rows, int column) =>
        rows.Columns[column].Type != SqlType.Integer ? OidText
        : rows.Values.All(r => r[column] is null || int.TryParse(r[column], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) ? OidInt4 : OidInt8;

    private static byte[] Encode(string value, SqlType type, short format)
    {
        if (format == 0 || type == SqlType.Text)
        {
            // Text format, and binary text: both are the UTF-8 bytes.
            return Encoding.UTF8.GetBytes(value);
        }

        var number = long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return number is >= int.MinValue and <= int.MaxValue ? Int32((int)number) : Int64(number);
    }

    /// <summary>Bind's result formats: none (all text), one (for all), or one per column (section 55.7).</summary>
    private static short Format(short[] formats, int column) =>
        formats.Length == 0 ? (short)0 : formats.Length == 1 ? formats[0] : column < formats.Length ? formats[column] : (short)0;

    private void CommandComplete(string tag) => Message('C', [.. Encoding.ASCII.GetBytes(tag), 0]);

    private void ReadyForQuery() => Message('Z', [(byte)'I']);

    private void ExtendedError(string sqlState, string message)
    {
        Error("ERROR", sqlState, message);
        _skipUntilSync = true;
    }

    private void Error(string severity, string sqlState, string message)
    {
        var body = new List<byte>();
        foreach (var (field, value) in new[] { ('S', severity), ('V', severity), ('C', sqlState), ('M', message) })
        {
            body.Add((byte)field);
            body.AddRange(Encoding.UTF8.GetBytes(value));
            body.Add(0);
        }

        body.Add(0);
        Message('E', [.. body]);
    }

    private void Message(char type, byte[] body)
    {
        _out.Write([(byte)type]);
        _out.Write(Int32(body.Length + 4));
        _out.Write(body);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_out.WrittenCount > 0)
        {
            await stream.WriteAsync(_out.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _out.Clear();
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private sealed record Portal(string Sql, short[] Formats);

    /// <summary>Reads a frontend message body; a truncated or malformed one is a <see cref="FormatException"/>.</summary>
    private sealed class Reader(byte[] body)
    {
        private int _position;

        public byte Byte() => _position < body.Length ? body[_position++] : throw Truncated();

        public short Int16()
        {
            Need(2);
            var value = BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(_position));
            _position += 2;
            return value < 0 ? throw new FormatException("a negative count in a frontend message") : value;
        }

        public int Int32()
        {
            Need(4);
            var value = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(_position));
            _position += 4;
            return value;
        }

        public void Skip(int count)
        {
            Need(count);
            _position += count;
        }

        public string CString()
        {
            var end = Array.IndexOf(body, (byte)0, _position);
            if (end < 0)
            {
                throw Truncated();
            }

            var text = Encoding.UTF8.GetString(body, _position, end - _position);
            _position = end + 1;
            return text;
        }

        private void Need(int count)
        {
            if (count < 0 || body.Length - _position < count)
            {
                throw Truncated();
            }
        }

        private static FormatException Truncated() => new("a frontend message is shorter than its fields");
    }
}
