using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>Backend messages the server writes outside the SASL exchange: ErrorResponse and the session start after AuthenticationOk.</summary>
internal static class PgSessionMessages
{
    public static void WriteError(PgWriter writer, string severity, string sqlState, string message) =>
        writer.Begin(PgProtocol.ErrorResponse)
            .WriteByte((byte)'S').WriteCString(severity)
            .WriteByte((byte)'V').WriteCString(severity)
            .WriteByte((byte)'C').WriteCString(sqlState)
            .WriteByte((byte)'M').WriteCString(message)
            .WriteByte(0)
            .End();

    /// <summary>ParameterStatus for each configured value, BackendKeyData with a random key, ReadyForQuery idle: what real clients wait for after AuthenticationOk.</summary>
    public static void WriteSessionStart(PgWriter writer, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            writer.Begin(PgProtocol.ParameterStatus).WriteCString(name).WriteCString(value).End();
        }

        Span<byte> key = stackalloc byte[8];
        RandomNumberGenerator.Fill(key);
        writer.Begin(PgProtocol.BackendKeyData)
            .WriteInt32(BinaryPrimitives.ReadInt32BigEndian(key) & int.MaxValue)
            .WriteInt32(BinaryPrimitives.ReadInt32BigEndian(key[4..]))
            .End();
        writer.Begin(PgProtocol.ReadyForQuery).WriteByte((byte)'I').End();
    }
}
