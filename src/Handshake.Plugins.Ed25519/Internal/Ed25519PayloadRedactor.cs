namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>
/// The server's 32-byte scramble is a public nonce and is shown; the client's 64-byte signature is
/// hidden: made with a key derived from the password, it is an offline-guessable proof of it.
/// </summary>
internal sealed class Ed25519PayloadRedactor : IPayloadRedactor
{
    public static readonly Ed25519PayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) =>
        direction == PayloadDirection.ServerToClient ? PayloadRedaction.Show(data) : PayloadRedaction.Hidden(data);
}
