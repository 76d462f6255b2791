using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Protocols.Sasl;

/// <summary>How an IMAP or SMTP client authenticates: TLS, the server's name, trust, limits and deadlines.</summary>
public sealed class SaslClientOptions
{
    /// <summary>The default bound on one server line (16 KiB: CAPABILITY lines are long, SASL lines short).</summary>
    public const int DefaultMaxLineLength = 16 * 1024;

    /// <summary>
    /// Gets or sets the TLS mode. Default <see cref="SaslTlsMode.StartTls"/>: the client refuses a server
    /// that does not upgrade (RFC 8314 §3 prefers TLS; a silent downgrade is what STARTTLS stripping does).
    /// TLS always checks the certificate: the chain (against <see cref="TrustedRootCertificates"/> when given)
    /// and the name <see cref="TargetHost"/>, or <see cref="RemoteCertificateValidationCallback"/> instead.
    /// </summary>
    public SaslTlsMode TlsMode { get; set; } = SaslTlsMode.StartTls;

    /// <summary>Gets or sets the host name the server's certificate must name (and SNI). Default "localhost".</summary>
    public string TargetHost { get; set; } = "localhost";

    /// <summary>Gets the roots trusted for the server's chain in place of the system store (a private CA, a pinned self-signed certificate). Empty: the system store.</summary>
    public X509Certificate2Collection TrustedRootCertificates { get; } = [];

    /// <summary>Gets or sets a callback that decides whether the server's certificate is trusted, replacing the chain and name check.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Gets or sets the name the SMTP client gives in EHLO (RFC 5321 §4.1.1.1). Default "localhost".</summary>
    public string ClientDomain { get; set; } = "localhost";

    /// <summary>Gets or sets the longest server line accepted. Default 16 KiB.</summary>
    public int MaxLineLength { get; set; } = DefaultMaxLineLength;

    /// <summary>Gets or sets how long the client waits for the server's greeting (and, with implicit TLS, the TLS handshake). Default 10 s.</summary>
    public TimeSpan FirstMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long the client waits for any one server reply before authentication. Default 15 s.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long the whole phase (greeting, TLS, capabilities, authentication) may take. Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the clock the deadlines run on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
