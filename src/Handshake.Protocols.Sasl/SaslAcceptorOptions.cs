using System.Security.Cryptography.X509Certificates;

namespace Handshake.Protocols.Sasl;

/// <summary>How the server side of an IMAP or SMTP session behaves until (and shortly after) authentication.</summary>
public sealed class SaslAcceptorOptions
{
    /// <summary>The default bound on one client line: 12288 octets, RFC 4954 §4's minimum for an AUTH line.</summary>
    public const int DefaultMaxLineLength = 12288;

    /// <summary>Gets or sets the TLS mode: <see cref="SaslTlsMode.StartTls"/> offers the upgrade, <see cref="SaslTlsMode.Implicit"/> starts with TLS. Needs <see cref="ServerCertificate"/> unless <see cref="SaslTlsMode.None"/>. Default None.</summary>
    public SaslTlsMode TlsMode { get; set; } = SaslTlsMode.None;

    /// <summary>Gets or sets the certificate (with private key) for TLS. Its tls-server-end-point hash binds SCRAM-*-PLUS.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Gets or sets a value indicating whether authentication is refused until STARTTLS (IMAP LOGINDISABLED, SMTP 530 5.7.0). Default false.</summary>
    public bool RequireTls { get; set; }

    /// <summary>Gets or sets the host name in the greeting. Default "localhost".</summary>
    public string ServerName { get; set; } = "localhost";

    /// <summary>Gets or sets the longest client line accepted. Default 12288 octets.</summary>
    public int MaxLineLength { get; set; } = DefaultMaxLineLength;

    /// <summary>Gets or sets how long the server waits for the client's first command (and, with implicit TLS, the TLS handshake). Default 10 s.</summary>
    public TimeSpan FirstMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long the server waits for each later command before authentication. Default 15 s. The exchange's own rounds run under <c>AcceptorOptions.RoundTimeout</c>.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long the session may take until it is authenticated. Default 60 s.</summary>
    public TimeSpan AuthenticationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long an authenticated session may sit idle before it is closed. Default 30 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many commands a session may send in all before it is closed. Default 100.</summary>
    public int MaxCommands { get; set; } = 100;

    /// <summary>Gets or sets how many failed authentications one session may try. Default 3.</summary>
    public int MaxAuthenticationAttempts { get; set; } = 3;

    /// <summary>Gets or sets the clock the deadlines run on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
