namespace Handshake.Protocols.Sasl;

/// <summary>
/// How TLS starts in a SASL text protocol session, when it runs at all. Whether it runs, and what is
/// demanded of the certificate, is the client's <see cref="AdapterClientOptions.TlsMode"/> (Disable: never)
/// and the server's <see cref="AdapterAcceptorOptions.ServerCertificate"/> (null: never), as in every adapter.
/// </summary>
public enum SaslTlsStart
{
    /// <summary>Plain TCP upgraded in-band: IMAP <c>STARTTLS</c> (RFC 9051 §6.2.1), SMTP <c>STARTTLS</c> (RFC 3207).</summary>
    StartTls = 0,

    /// <summary>TLS from the first byte: imaps (port 993) and submissions (port 465, RFC 8314).</summary>
    Implicit = 1,
}
