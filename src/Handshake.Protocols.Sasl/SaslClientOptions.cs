namespace Handshake.Protocols.Sasl;

/// <summary>
/// How an IMAP or SMTP client authenticates: how TLS starts (<see cref="TlsStart"/>) and the name given in
/// EHLO. What is demanded of TLS, trust, the line limit (<see cref="AdapterClientOptions.MaxMessageLength"/>)
/// and the deadlines are the ones every adapter shares (<see cref="AdapterClientOptions"/>).
/// </summary>
public sealed class SaslClientOptions : AdapterClientOptions
{
    /// <summary>The default bound on one server line (16 KiB: CAPABILITY lines are long, SASL lines short).</summary>
    public const int DefaultMaxLineLength = 16 * 1024;

    /// <summary>
    /// Initializes the options. <see cref="AdapterClientOptions.TlsMode"/> defaults to
    /// <see cref="ClientTlsMode.VerifyFull"/> here: a mail client refuses a server that does not upgrade
    /// (RFC 8314 §3 prefers TLS; a silent downgrade is what STARTTLS stripping does) and checks the name.
    /// </summary>
    public SaslClientOptions()
        : base(DefaultMaxLineLength)
    {
        TlsMode = ClientTlsMode.VerifyFull;
    }

    /// <summary>
    /// Gets or sets how TLS starts when <see cref="AdapterClientOptions.TlsMode"/> asks for it. Default
    /// <see cref="SaslTlsStart.StartTls"/>: under <see cref="ClientTlsMode.Prefer"/> the client continues in
    /// plain text when the server offers no STARTTLS; under any stronger mode it refuses.
    /// </summary>
    public SaslTlsStart TlsStart { get; set; } = SaslTlsStart.StartTls;

    /// <summary>Gets or sets the name the SMTP client gives in EHLO (RFC 5321 §4.1.1.1). Default "localhost".</summary>
    public string ClientDomain { get; set; } = "localhost";
}
