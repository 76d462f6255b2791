namespace Handshake.Protocols.MySql.Internal;

/// <summary>The server's Handshake v10 packet, both ways.</summary>
internal sealed record MySqlGreeting(string Version, uint ConnectionId, MySqlCapabilities Capabilities, ReadOnlyMemory<byte> Scramble, string PluginName)
{
    /// <summary>Part 2 of the auth data is at least 13 bytes on the wire (MySQL pads a short one).</summary>
    private const int MinPart2 = 13;

    /// <summary>Writes a greeting; <paramref name="authData"/> is the default plugin's initial data as its verifier made it (a trailing NUL included, if the plugin wants one).</summary>
    public static ReadOnlyMemory<byte> Write(string serverVersion, uint connectionId, MySqlCapabilities capabilities, string plugin, ReadOnlySpan<byte> authData)
    {
        var caps = (uint)capabilities;
        var part2 = authData[8..];
        return new PayloadWriter()
            .Byte(10)
            .NulString(serverVersion)
            .UInt32(connectionId)
            .Bytes(authData[..8])
            .Byte(0)
            .UInt16((ushort)caps)
            .Byte(45)
            .UInt16(0x0002)
            .UInt16((ushort)(caps >> 16))
            .Byte((byte)(8 + Math.Max(MinPart2, part2.Length)))
            .Zeros(10)
            .Bytes(part2)
            .Zeros(Math.Max(0, MinPart2 - part2.Length))
            .NulString(plugin)
            .Written;
    }

    public static MySqlGreeting Parse(byte[] payload)
    {
        var reader = new PayloadReader(payload, "Handshake v10");
        var protocol = reader.ReadByte();
        if (protocol != 10)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server speaks protocol version {protocol}; only Handshake v10 is supported.");
        }

        var version = reader.ReadNulString();
        var connectionId = reader.ReadUInt32();
        var part1 = reader.ReadBytes(8).ToArray();
        _ = reader.ReadByte();
        var capabilities = (MySqlCapabilities)reader.ReadUInt16();
        var scramble = part1;
        var plugin = string.Empty;
        if (!reader.AtEnd)
        {
            _ = reader.ReadByte(); // character set
            _ = reader.ReadUInt16(); // status flags
            capabilities |= (MySqlCapabilities)((uint)reader.ReadUInt16() << 16);
            var authDataLength = reader.ReadByte();
            _ = reader.ReadBytes(10);
            if ((capabilities & MySqlCapabilities.SecureConnection) != 0)
            {
                // Part 2 is max(13, length - 8) bytes, the last of which is usually a NUL (the plugin's to trim).
                var part2 = reader.ReadBytes(Math.Max(MinPart2, authDataLength - 8));
                scramble = [.. part1, .. part2];
            }

            if ((capabilities & MySqlCapabilities.PluginAuth) != 0)
            {
                plugin = reader.ReadNulString(toEndIfUnterminated: true);
            }
        }

        return new MySqlGreeting(version, connectionId, capabilities, scramble, plugin);
    }
}
