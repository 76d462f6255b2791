using System.Security.Cryptography.X509Certificates;
using System.Net.Security;
using System.Net.Sockets;

namespace Handshake.Cli.Probe;

/// <summary>What probe offers a protocol's client: the settings, the connection, the certificate checks and what it observes.</summary>
internal interface IProbeSession
{
    /// <summary>Gets the validated command line.</summary>
    ProbeSettings Settings { get; }

    /// <summary>Gets a value indicating whether any client plugin started (a retry without TLS is only safe before).</summary>
    bool AnyExchangeStarted { get; }

    /// <summary>Opens the TCP connection to the URL's host and port.</summary>
    Task<TcpClient> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Checks a certificate for verify-full (chain to --ca-cert or the system store, and the host name).</summary>
    RemoteCertificateValidationCallback VerifyFull { get; }

    /// <summary>Accepts any certificate (prefer/require encrypt without checking), noting what was seen; verify-full checks.</summary>
    RemoteCertificateValidationCallback BySslMode { get; }

    /// <summary>Notes the final stream and the transport facts for the report.</summary>
    void Observe(Stream stream, TransportSecurity transport);

    /// <summary>Prints one indented note in the report (e.g. a retry without TLS).</summary>
    Task NoteAsync(string line);

    /// <summary>
    /// Sets an adapter's TLS options from --sslmode and --ca-cert, the same way for every protocol: the
    /// library's own chain and name check (against --ca-cert when given) is what makes verify-full count as
    /// verified; the session's callback only watches the certificate.
    /// </summary>
    /// <param name="options">The adapter's client options.</param>
    /// <returns>The loaded --ca-cert, for the caller to dispose; null when none applies.</returns>
    X509Certificate2? ApplyTls(AdapterClientOptions options);
}
