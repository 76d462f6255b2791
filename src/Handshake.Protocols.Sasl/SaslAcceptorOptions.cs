namespace Handshake.Protocols.Sasl;

/// <summary>
/// How the server side of an IMAP or SMTP session behaves until (and shortly after) authentication: how TLS
/// starts, its name, and its command budgets. The certificate (null: no TLS offered), <see cref="AdapterAcceptorOptions.RequireTls"/>
/// (IMAP LOGINDISABLED, SMTP 530 5.7.0 until STARTTLS), the line limit and the deadlines are the ones every
/// adapter shares (<see cref="AdapterAcceptorOptions"/>); the exchange's own rounds run under <c>AcceptorOptions.RoundTimeout</c>.
/// </summary>
public sealed class SaslAcceptorOptions : AdapterAcceptorOptions
{
    /// <summary>The default bound on one client line: 12288 octets, RFC 4954 §4's minimum for an AUTH line.</summary>
    public const int DefaultMaxLineLength = 12288;

    /// <summary>Initializes the options with the SASL profiles' defaults.</summary>
    public SaslAcceptorOptions()
        : base(DefaultMaxLineLength)
    {
    }

    /// <summary>Gets or sets how TLS starts when <see cref="AdapterAcceptorOptions.ServerCertificate"/> is set: offered as STARTTLS (default), or from the first byte.</summary>
    public SaslTlsStart TlsStart { get; set; } = SaslTlsStart.StartTls;

    /// <summary>Gets or sets the host name in the greeting. Default "localhost".</summary>
    public string ServerName { get; set; } = "localhost";

    /// <summary>Gets or sets how many commands a session may send in all before it is closed. Default 100.</summary>
    public int MaxCommands { get; set; } = 100;

    /// <summary>Gets or sets how many failed authentications one session may try. Default 3.</summary>
    public int MaxAuthenticationAttempts { get; set; } = 3;
}
