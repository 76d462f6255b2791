namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>
/// What caching_sha2_password sends in the open: the server's 20-byte scramble, its one-byte AuthMoreData
/// markers (0x03 fast auth success, 0x04 perform full authentication) and its RSA public key in PEM;
/// the client's one-byte public-key request (0x02). Everything else the client sends is hidden: the
/// SHA-256 scramble response, the password (over TLS) and the password encrypted to the server's key.
/// </summary>
internal sealed class CachingSha2PayloadRedactor : IPayloadRedactor
{
    public static readonly CachingSha2PayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data)
    {
        if (direction == PayloadDirection.ClientToServer)
        {
            // A cleartext password ends in NUL, so a lone 0x02 is the key request, never a password.
            return data is [0x02] ? "0x02 (request public key)" : PayloadRedaction.Hidden(data);
        }

        return data switch
        {
            [0x03] => "0x03 (fast auth success)",
            [0x04] => "0x04 (perform full authentication)",
            _ => PayloadRedaction.Show(data),
        };
    }
}
