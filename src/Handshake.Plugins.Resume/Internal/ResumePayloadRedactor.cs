namespace Handshake.Plugins.Resume.Internal;

/// <summary>
/// Every resume payload is a bearer secret: the client sends its token, the server's final data is
/// the rotated one. Both are shown by length only.
/// </summary>
internal sealed class ResumePayloadRedactor : IPayloadRedactor
{
    public static readonly ResumePayloadRedactor Instance = new();

    public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) => PayloadRedaction.Hidden(data);
}
