namespace Handshake.Protocols.Sasl;

/// <summary>An authenticated IMAP or SMTP client connection.</summary>
public sealed class SaslClientResult
{
    internal SaslClientResult(AuthResult authentication, Stream stream, TransportSecurity transport, IReadOnlyList<string> capabilities)
    {
        Authentication = authentication;
        Stream = stream;
        Transport = transport;
        Capabilities = capabilities;
    }

    /// <summary>Gets the authentication result.</summary>
    public AuthResult Authentication { get; }

    /// <summary>Gets the user who authenticated.</summary>
    public string UserName => Authentication.UserName;

    /// <summary>Gets the mechanism the first factor ran on the wire (e.g. SCRAM-SHA-256-PLUS).</summary>
    public string? Mechanism => Authentication.Factors is [var first, ..] ? first.Mechanism : null;

    /// <summary>Gets every factor that passed, in order.</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors => Authentication.Factors;

    /// <summary>Gets the stream to continue the session on (the TLS stream after an upgrade; the caller owns it).</summary>
    public Stream Stream { get; }

    /// <summary>Gets what the transport guaranteed during authentication.</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets the server's capabilities (IMAP) or EHLO keywords (SMTP) last seen before authentication, or after it when the server sent them with its success.</summary>
    public IReadOnlyList<string> Capabilities { get; }
}
