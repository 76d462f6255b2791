namespace Handshake.Plugins.NativePassword.Internal;

/// <summary>
/// The server's 20-byte scramble is a public nonce and is shown, so a reader sees what the response
/// answers; the client's response (SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password)))) is hidden:
/// with the scramble it is an offline-guessable proof of the password.
/// </summary>
internal sealed class NativePasswordPayloadRedactor : IPayloadRedactor
{
    public static readonly NativePasswordPayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) =>
        direction == PayloadDirection.ServerToClient ? PayloadRedaction.Show(data) : PayloadRedaction.Hidden(data);
}
