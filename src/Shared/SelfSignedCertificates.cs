using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Internal;

/// <summary>
/// Throwaway self-signed server certificates made in process, shared as source by the packages that need
/// one to run TLS on loopback (the audit kit, the adapter conformance base, the demo): SAN 127.0.0.1 and
/// localhost, a server-authentication EKU, not a CA.
/// </summary>
internal static class SelfSignedCertificates
{
    /// <summary>Makes a certificate for <paramref name="subject"/> that SslStream can serve with on every platform.</summary>
    /// <param name="subject">The subject name, e.g. <c>CN=localhost</c>.</param>
    /// <param name="rsa">RSA-2048 with PKCS#1 v1.5 when true (slow to make); ECDSA P-256 otherwise. Both sign with SHA-256, so tls-server-end-point hashes with SHA-256 (RFC 5929 §4.1).</param>
    /// <param name="validity">How long it is valid from five minutes ago.</param>
    /// <returns>The certificate with its private key.</returns>
    public static X509Certificate2 Create(string subject, bool rsa, TimeSpan validity)
    {
        using var key = rsa ? (AsymmetricAlgorithm)RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsaKey
            ? new CertificateRequest(subject, rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity));

        // Through PKCS#12 so SslStream gets a private key it can use on every platform (an ephemeral key is refused on some).
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
