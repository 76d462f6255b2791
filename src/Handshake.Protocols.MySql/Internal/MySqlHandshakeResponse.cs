namespace Handshake.Protocols.MySql.Internal;

/// <summary>The client's HandshakeResponse41.</summary>
internal sealed record MySqlHandshakeResponse(MySqlCapabilities Capabilities, string User, byte[] AuthData, string? Database, string? PluginName)
{
    public static MySqlHandshakeResponse Parse(byte[] payload)
    {
        var reader = new PayloadReader(payload, "HandshakeResponse41");
        var capabilities = (MySqlCapabilities)reader.ReadUInt32();
        if ((capabilities & MySqlCapabilities.Protocol41) == 0)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client did not set CLIENT_PROTOCOL_41.");
        }

        _ = reader.ReadUInt32(); // max packet size
        _ = reader.ReadByte(); // character set
        _ = reader.ReadBytes(23);
        var user = reader.ReadNulString();
        ReadOnlySpan<byte> authData;
        if ((capabilities & MySqlCapabilities.PluginAuthLenencClientData) != 0)
        {
            var length = reader.ReadLengthEncodedInteger();
            if (length > (ulong)reader.Remaining)
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, "Malformed MySQL HandshakeResponse41: the auth response is longer than the packet.");
            }

            authData = reader.ReadBytes((int)length);
        }
        else if ((capabilities & MySqlCapabilities.SecureConnection) != 0)
        {
            authData = reader.ReadBytes(reader.ReadByte());
        }
        else
        {
            authData = reader.ReadNulBytes(toEndIfUnterminated: true);
        }

        var auth = authData.ToArray();
        string? database = null;
        if ((capabilities & MySqlCapabilities.ConnectWithDb) != 0 && !reader.AtEnd)
        {
            database = reader.ReadNulString(toEndIfUnterminated: true);
        }

        string? plugin = null;
        if ((capabilities & MySqlCapabilities.PluginAuth) != 0 && !reader.AtEnd)
        {
            plugin = reader.ReadNulString(toEndIfUnterminated: true);
        }

        // Connection attributes (CLIENT_CONNECT_ATTRS) follow; they are not needed and not parsed.
        return new MySqlHandshakeResponse(capabilities, user, auth, database, string.IsNullOrEmpty(plugin) ? null : plugin);
    }
}
