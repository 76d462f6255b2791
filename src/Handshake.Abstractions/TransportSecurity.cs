using System.Security.Cryptography.X509Certificates;
using Handshake.Internal;

namespace Handshake;

/// <summary>
/// What the connection underneath the handshake guarantees. The driver that owns the socket and
/// TLS fills this in; plugins read it to decide whether a secret may travel in the clear and what
/// channel-binding data exists.
/// </summary>
public sealed class TransportSecurity
{
    /// <summary>The channel-binding type of RFC 5929 §4 (SCRAM's GS2 header names it: <c>p=tls-server-end-point</c>).</summary>
    public const string TlsServerEndPointType = "tls-server-end-point";

    // Computed once per transport: the certificate is fixed at construction (init-only), so a race
    // between two readers computes the same bytes and either result may win.
    private byte[]? _tlsServerEndPoint;
    private int _tlsServerEndPointState; // 0 not computed, 1 computed (null or bytes)

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

    /// <summary>
    /// Gets a value indicating whether a passive listener cannot read what crosses this transport (TLS, or a
    /// trusted local socket). A server asks for a cleartext secret (PLAIN, a bearer token, a PAM answer) only
    /// over such a transport; a client needs <see cref="IsSafeForCleartext"/>, which also checks whom it talks to.
    /// </summary>
    public bool IsConfidential => IsEncrypted || IsTrustedLocal;

    /// <summary>Gets a value indicating whether a secret may be sent in the clear over this transport.</summary>
    public bool IsSafeForCleartext => (IsEncrypted && IsCertificateVerified) || IsTrustedLocal;

    /// <summary>
    /// Gets the <c>tls-server-end-point</c> channel-binding data of <see cref="ServerCertificate"/>
    /// (RFC 5929 §4.1): the hash of the certificate's DER with the hash of its signature algorithm,
    /// MD5 and SHA-1 replaced by SHA-256, and for RSA-PSS the hash named in the PSS parameters. Every
    /// plugin that binds to the channel reads it here, so client and server, and SCRAM-PLUS and key
    /// auth, always agree on it.
    /// </summary>
    /// <returns>
    /// A fresh copy of the binding data, or null when there is no server certificate or its signature
    /// algorithm defines no single hash (Ed25519, Ed448, unknown): then no binding exists.
    /// </returns>
    public byte[]? GetTlsServerEndPointBinding()
    {
        if (ServerCertificate is null)
        {
            return null;
        }

        if (Volatile.Read(ref _tlsServerEndPointState) == 0)
        {
            _tlsServerEndPoint = TlsServerEndPoint.Compute(ServerCertificate);
            Volatile.Write(ref _tlsServerEndPointState, 1);
        }

        return _tlsServerEndPoint is { } binding ? (byte[])binding.Clone() : null;
    }

    /// <summary>Describes the transport without any secret.</summary>
    /// <returns>A description.</returns>
    public override string ToString() =>
        IsTrustedLocal ? "trusted local transport"
        : !IsEncrypted ? "plain transport (no TLS)"
        : IsCertificateVerified ? "TLS, certificate verified"
        : "TLS, certificate not verified";
}
