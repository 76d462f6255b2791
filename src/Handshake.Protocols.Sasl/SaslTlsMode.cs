namespace Handshake.Protocols.Sasl;

/// <summary>How a SASL text protocol session gets TLS.</summary>
public enum SaslTlsMode
{
    /// <summary>No TLS (the server offers no STARTTLS; the client never asks). Mechanisms that send a password are then refused by the cleartext gate.</summary>
    None = 0,

    /// <summary>Plain TCP upgraded in-band: IMAP <c>STARTTLS</c> (RFC 9051 §6.2.1), SMTP <c>STARTTLS</c> (RFC 3207). A client requires the upgrade; a server offers it.</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte: imaps (port 993) and submissions (port 465, RFC 8314).</summary>
    Implicit = 2,
}
