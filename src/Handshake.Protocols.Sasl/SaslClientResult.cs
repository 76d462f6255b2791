namespace Handshake.Protocols.Sasl;

/// <summary>An authenticated IMAP or SMTP client connection: the shared adapter result plus the server's capabilities.</summary>
public sealed class SaslClientResult : AdapterClientResult
{
    internal SaslClientResult(AuthResult authentication, Stream stream, TransportSecurity transport, IReadOnlyList<string> capabilities)
        : base(authentication, stream, transport)
    {
        Capabilities = capabilities;
    }

    /// <summary>Gets the server's capabilities (IMAP) or EHLO keywords (SMTP) last seen before authentication, or after it when the server sent them with its success.</summary>
    public IReadOnlyList<string> Capabilities { get; }
}
