using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Hardening.Tests;

/// <summary>Self-signed server certificates for the TLS-dependent attacks.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 Rsa()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>
    /// A certificate whose signatureAlgorithm claims Ed25519 (1.3.101.112), which the BCL cannot make:
    /// the signature bytes are really ECDSA, which nothing here checks. RFC 5929 §4.1 defines no
    /// tls-server-end-point hash for it.
    /// </summary>
    public static X509Certificate2 ClaimingEd25519()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=localhost"), new PublicKey(key), HashAlgorithmName.SHA256);
        var generator = new ClaimingGenerator(X509SignatureGenerator.CreateForECDsa(key), "1.3.101.112");
        return request.Create(new X500DistinguishedName("CN=localhost"), generator, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
    }

    public static TransportSecurity Tls(X509Certificate2 certificate, bool verified = true) =>
        new() { IsEncrypted = true, IsCertificateVerified = verified, ServerCertificate = certificate };

    private sealed class ClaimingGenerator(X509SignatureGenerator inner, string oid) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(oid);
            }

            return writer.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => inner.SignData(data, hashAlgorithm);

        protected override PublicKey BuildPublicKey() => inner.PublicKey;
    }
}
