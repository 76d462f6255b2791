using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Audit.Internal;

/// <summary>Self-signed certificates made in process (ECDSA P-256 with SHA-256: fast to make, tls-server-end-point uses SHA-256).</summary>
internal static class AuditCertificates
{
    private static readonly Lazy<X509Certificate2> SharedDefault = new(() => Create("CN=localhost"));
    private static readonly Lazy<X509Certificate2> SharedOther = new(() => Create("CN=tls-terminator.invalid"));

    /// <summary>Gets the certificate TLS scenarios present when none is configured.</summary>
    public static X509Certificate2 Default => SharedDefault.Value;

    /// <summary>Gets a second certificate: the one "behind a TLS terminator" in the foreign-binding scenario.</summary>
    public static X509Certificate2 Other => SharedOther.Value;

    public static X509Certificate2 Create(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7));

        // Through PKCS#12 so SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The tls-server-end-point binding data of a certificate (RFC 5929 §4.1), or null when its algorithm defines none.</summary>
    public static byte[]? EndPointBinding(X509Certificate2 certificate) => new TransportSecurity { IsEncrypted = true, ServerCertificate = certificate }.GetTlsServerEndPointBinding();
}
