using System.Security.Cryptography.X509Certificates;

namespace Handshake;

/// <summary>
/// What the connection underneath the handshake guarantees. The driver that owns the socket and
/// TLS fills this in; plugins read it to decide whether a secret may travel in the clear and what
/// channel-binding data exists.
/// </summary>
public sealed class TransportSecurity
{
    /// <summary>A plain, unencrypted transport (no TLS, not a trusted local socket).</summary>
    public static TransportSecurity None { get; } = new();

    /// <summary>Gets a value indicating whether the transport is encrypted (TLS).</summary>
    public bool IsEncrypted { get; init; }

    /// <summary>
    /// Gets a value indicating whether the server's certificate was validated by the client
    /// (chain and host name). On the server side, whether the server presented a certificate.
    /// </summary>
    public bool IsCertificateVerified { get; init; }

    /// <summary>
    /// Gets a value indicating whether the driver declares the transport secure without TLS
    /// (a Unix-domain socket, a named pipe, shared memory).
    /// </summary>
    public bool IsTrustedLocal { get; init; }

    /// <summary>
    /// Gets the server's certificate, for channel binding (RFC 5929 <c>tls-server-end-point</c>):
    /// the peer's certificate on the client side, the server's own on the server side.
    /// </summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Gets a value indicating whether a secret may be sent in the clear over this transport.</summary>
    public bool IsSafeForCleartext => (IsEncrypted && IsCertificateVerified) || IsTrustedLocal;

    /// <summary>Describes the transport without any secret.</summary>
    /// <returns>A description.</returns>
    public override string ToString() =>
        IsTrustedLocal ? "trusted local transport"
        : !IsEncrypted ? "plain transport (no TLS)"
        : IsCertificateVerified ? "TLS, certificate verified"
        : "TLS, certificate not verified";
}
