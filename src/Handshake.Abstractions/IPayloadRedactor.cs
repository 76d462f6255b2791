namespace Handshake;

/// <summary>
/// How a plugin's own messages are shown in a transcript, a probe's report or a fuzzer's log: the
/// plugin knows its wire format, so it says which parts are public (a nonce, a prompt, a salt) and hides
/// the rest (a proof, a password, a token, a code, a signature). Registered with the plugin's name by
/// <see cref="HandshakeBuilderExtensions.AddPayloadRedactor"/> and found through
/// <see cref="IHandshakeCatalog.FindPayloadRedactor"/>; nothing outside the plugin knows its format.
/// </summary>
public interface IPayloadRedactor
{
    /// <summary>Renders one payload with its secrets hidden. Keeps nothing of the bytes.</summary>
    /// <param name="direction">Which way it went.</param>
    /// <param name="data">The payload.</param>
    /// <returns>Text safe to print (see <see cref="PayloadRedaction"/> for the shared renderings).</returns>
    string Redact(PayloadDirection direction, ReadOnlySpan<byte> data);
}
