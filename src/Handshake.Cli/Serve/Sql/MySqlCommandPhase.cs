using System.Buffers.Binary;
using System.Text;

namespace Handshake.Cli.Serve.Sql;

/// <summary>
/// MySQL's command phase after an accepted login, as serve answers it: COM_QUERY through the
/// <see cref="SetupQueryResponder"/> as text-protocol result sets (column count, Protocol::ColumnDefinition41,
/// EOF or, with CLIENT_DEPRECATE_EOF, none, rows, EOF/OK), OK or ERR; COM_PING, COM_INIT_DB and
/// COM_RESET_CONNECTION get OK; COM_QUIT or end of stream ends the session; anything else ERR 1047.
/// Every read has the idle deadline; a command is at most <see cref="MaxCommandLength"/> bytes.
/// </summary>
internal sealed class MySqlCommandPhase(Stream stream, SetupQueryResponder responder, bool deprecateEof, TimeSpan idleTimeout)
{
    /// <summary>The longest command accepted (set-up queries are short).</summary>
    public const int MaxCommandLength = 1024 * 1024;

    private const byte ComQuit = 0x01;
    private const byte ComInitDb = 0x02;
    private const byte ComQuery = 0x03;
    private const byte ComPing = 0x0E;
    private const byte ComResetConnection = 0x1F;

    // Server status flags (MySQL include/mysql_com.h): SERVER_STATUS_AUTOCOMMIT, SERVER_MORE_RESULTS_EXISTS.
    private const ushort StatusAutocommit = 0x0002;
    private const ushort StatusMoreResults = 0x0008;

    // Column types (enum_field_types) and flags; collation 45 is utf8mb4_general_ci, 63 binary.
    private const byte TypeLongLong = 0x08;
    private const byte TypeVarString = 0xFD;
    private const ushort FlagBinary = 0x0080;

    private readonly List<byte[]> _out = [];
    private byte _sequence;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var header = new byte[4];
        while (true)
        {
            byte[] command;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                idle.CancelAfter(idleTimeout);
                if (await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, idle.Token).ConfigureAwait(false) < 4)
                {
                    return;
                }

                var length = header[0] | (header[1] << 8) | (header[2] << 16);
                if (length > MaxCommandLength || header[3] != 0)
                {
                    // Out of sequence, or longer than any set-up query: the session is over.
                    _sequence = (byte)(header[3] + 1);
                    Err(1153, "08S01", $"Got a packet bigger than {MaxCommandLength} bytes or out of order");
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                command = new byte[length];
                await stream.ReadExactlyAsync(command, idle.Token).ConfigureAwait(false);
            }

            _sequence = 1;
            if (command.Length == 0 || command[0] == ComQuit)
            {
                return;
            }

            switch (command[0])
            {
                case ComQuery:
                    Query(Encoding.UTF8.GetString(command, 1, command.Length - 1));
                    break;
                case ComPing or ComInitDb or ComResetConnection:
                    Ok(StatusAutocommit);
                    break;
                default:
                    Err(1047, "08S01", "Unknown command");
                    break;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Query(string query)
    {
        var statements = SetupQueryResponder.Split(query);
        if (statements.Count == 0)
        {
            Err(1065, "42000", "Query was empty");
            return;
        }

        if (statements.Count > SetupQueryResponder.MaxStatements)
        {
            Err(1235, "42000", $"more than {SetupQueryResponder.MaxStatements} statements in one query");
            return;
        }

        for (var i = 0; i < statements.Count; i++)
        {
            // With CLIENT_MULTI_STATEMENTS every result but the last says more follow; an error ends the batch.
            var status = (ushort)(StatusAutocommit | (i < statements.Count - 1 ? StatusMoreResults : 0));
            switch (responder.Answer(statements[i]))
            {
                case SqlAnswer.Rows rows:
                    ResultSet(rows, status);
                    break;
                case SqlAnswer.Failure failure:
                    Err(failure.MySqlCode == 0 ? (ushort)1105 : failure.MySqlCode, failure.SqlState, failure.Message);
                    return;
                default:
                    Ok(status);
                    break;
            }
        }
    }

    private void ResultSet(SqlAnswer.Rows rows, ushort status)
    {
        Packet(LengthEncoded(rows.Columns.Count));
        foreach (var column in rows.Columns)
        {
            var integer = column.Type == SqlType.Integer;
            var definition = new List<byte>();
            LengthEncodedString(definition, "def");
            LengthEncodedString(definition, string.Empty); // schema
            LengthEncodedString(definition, string.Empty); // table
            LengthEncodedString(definition, string.Empty); // org_table
            LengthEncodedString(definition, column.Name);
            LengthEncodedString(definition, string.Empty); // org_name
            definition.Add(0x0C); // length of the fixed fields
            definition.AddRange(UInt16(integer ? (ushort)63 : (ushort)45));
            definition.AddRange(UInt32(integer ? 21u : 1024u));
            definition.Add(integer ? TypeLongLong : TypeVarString);
            definition.AddRange(UInt16(integer ? FlagBinary : (ushort)0));
            definition.Add(0); // decimals
            definition.Add(0);
            definition.Add(0);
            Packet([.. definition]);
        }

        if (!deprecateEof)
        {
            Eof(StatusAutocommit);
        }

        foreach (var values in rows.Values)
        {
            var row = new List<byte>();
            foreach (var value in values)
            {
                if (value is null)
                {
                    row.Add(0xFB);
                }
                else
                {
                    LengthEncodedString(row, value);
                }
            }

            Packet([.. row]);
        }

        if (deprecateEof)
        {
            // The OK that ends a result set under CLIENT_DEPRECATE_EOF has the 0xFE header.
            Packet([0xFE, 0, 0, .. UInt16(status), 0, 0]);
        }
        else
        {
            Eof(status);
        }
    }

    private void Ok(ushort status) => Packet([0x00, 0, 0, .. UInt16(status), 0, 0]);

    private void Eof(ushort status) => Packet([0xFE, 0, 0, .. UInt16(status)]);

    private void Err(ushort code, string sqlState, string message) =>
        Packet([0xFF, .. UInt16(code), (byte)'#', .. Encoding.ASCII.GetBytes(sqlState.PadRight(5, '0')[..5]), .. Encoding.UTF8.GetBytes(message)]);

    private void Packet(byte[] payload)
    {
        // Answers are small (one row); a payload of 16 MiB or more would need splitting, which none reaches.
        var packet = new byte[4 + payload.Length];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = _sequence++;
        payload.CopyTo(packet, 4);
        _out.Add(packet);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var packet in _out)
        {
            await stream.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
        }

        _out.Clear();
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] LengthEncoded(long value) => value switch
    {
        < 251 => [(byte)value],
        < 0x10000 => [0xFC, (byte)value, (byte)(value >> 8)],
        < 0x1000000 => [0xFD, (byte)value, (byte)(value >> 8), (byte)(value >> 16)],
        _ => [0xFE, .. BitConverter.GetBytes(value)],
    };

    private static void LengthEncodedString(List<byte> buffer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        buffer.AddRange(LengthEncoded(bytes.Length));
        buffer.AddRange(bytes);
    }

    private static byte[] UInt16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
