using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Handshake;

/// <summary>
/// What every protocol adapter's client role shares: TLS demands, whom to trust, how big a message may be,
/// and the deadlines. A protocol's options derive from it and add only what is its own (a database name,
/// a character set), so a user who knows one adapter knows them all.
/// </summary>
public abstract class AdapterClientOptions
{
    /// <summary>Initializes the options with a protocol's own message-length default.</summary>
    /// <param name="defaultMaxMessageLength">The largest message the protocol's servers send during authentication.</param>
    protected AdapterClientOptions(int defaultMaxMessageLength)
    {
        MaxMessageLength = defaultMaxMessageLength;
    }

    /// <summary>Gets or sets what is demanded of TLS. Default <see cref="ClientTlsMode.Prefer"/>.</summary>
    public ClientTlsMode TlsMode { get; set; } = ClientTlsMode.Prefer;

    /// <summary>Gets or sets the host name sent as SNI and checked against the certificate under <see cref="ClientTlsMode.VerifyFull"/>.</summary>
    public string TargetHost { get; set; } = "localhost";

    /// <summary>Gets the roots trusted in place of the system store (for a private CA). Empty: the system store.</summary>
    public X509Certificate2Collection TrustedRootCertificates { get; } = [];

    /// <summary>Gets the client certificates offered when the server asks for one.</summary>
    public X509CertificateCollection ClientCertificates { get; } = [];

    /// <summary>
    /// Gets or sets an extra check run after the library's own. It may reject a certificate the library
    /// accepted, or accept one it did not; a certificate accepted only by this callback does not count as
    /// verified (the cleartext gate stays closed).
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Gets or sets the largest server message accepted during authentication, in bytes.</summary>
    public int MaxMessageLength { get; set; }

    /// <summary>Gets or sets how long to wait for the server's first bytes (its greeting or its answer to the TLS request). Default 10 s, as MySQL's <c>connect_timeout</c>.</summary>
    public TimeSpan FirstMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long to wait for each later server message. Default 15 s.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the limit on the whole authentication phase, TLS included. Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the clock the deadlines run on (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
