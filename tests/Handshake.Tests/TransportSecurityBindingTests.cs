using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Tests;

/// <summary>
/// <see cref="TransportSecurity.GetTlsServerEndPointBinding"/>: RFC 5929 §4.1's tls-server-end-point,
/// the one implementation every binding plugin uses.
/// </summary>
public sealed class TransportSecurityBindingTests
{
    public static TheoryData<string, string?> SignatureAlgorithms => new()
    {
        { "1.2.840.113549.1.1.4", "SHA256" },   // md5WithRSA -> SHA-256
        { "1.2.840.113549.1.1.5", "SHA256" },   // sha1WithRSA -> SHA-256
        { "1.3.14.3.2.29", "SHA256" },          // sha1WithRSASignature (OIW) -> SHA-256
        { "1.2.840.113549.1.1.11", "SHA256" },
        { "1.2.840.113549.1.1.12", "SHA384" },
        { "1.2.840.113549.1.1.13", "SHA512" },
        { "1.2.840.10045.4.1", "SHA256" },      // ecdsa-with-SHA1 -> SHA-256
        { "1.2.840.10045.4.3.2", "SHA256" },
        { "1.2.840.10045.4.3.3", "SHA384" },
        { "1.2.840.10045.4.3.4", "SHA512" },
        { "1.2.840.113549.1.1.10", "SHA256" },  // RSA-PSS, no parameters: hash DEFAULT sha1 (RFC 4055 §3.1) -> SHA-256
        { "1.3.101.112", null },                // Ed25519: no single hash
        { "1.3.101.113", null },                // Ed448
        { "1.2.840.113549.1.1.14", null },      // sha224WithRSA: no SHA-224 binding here
        { "1.2.3.4", null },
    };

    public static TheoryData<string, string> RealCertificates => new()
    {
        { "rsa-pss", "SHA256" },
        { "rsa-pss", "SHA384" },
        { "rsa-pss", "SHA512" },
        { "rsa-pkcs1", "SHA256" },
        { "rsa-pkcs1", "SHA384" },
        { "rsa-pkcs1", "SHA512" },
        { "ecdsa", "SHA256" },
        { "ecdsa", "SHA384" },
        { "ecdsa", "SHA512" },
    };

    [Theory]
    [MemberData(nameof(SignatureAlgorithms))]
    public void GetTlsServerEndPointBinding_CertificateClaimingOid_HashesPerRfc5929(string oid, string? expected)
    {
        using var cert = CertificateClaiming(oid);

        var binding = new TransportSecurity { IsEncrypted = true, ServerCertificate = cert }.GetTlsServerEndPointBinding();

        Assert.Equal(oid, cert.SignatureAlgorithm.Value);
        Assert.Equal(expected is null ? null : Hash(expected, cert.RawData), binding);
    }

    [Theory]
    [MemberData(nameof(RealCertificates))]
    public void GetTlsServerEndPointBinding_RealCertificate_IsSignatureHashOfDer(string family, string hash)
    {
        using var cert = Create(family, new HashAlgorithmName(hash));

        var binding = new TransportSecurity { IsEncrypted = true, ServerCertificate = cert }.GetTlsServerEndPointBinding();

        Assert.Equal(Hash(hash, cert.RawData), binding);
    }

    [Fact]
    public void GetTlsServerEndPointBinding_NoCertificate_IsNull()
    {
        Assert.Null(TransportSecurity.None.GetTlsServerEndPointBinding());
    }

    [Fact]
    public void GetTlsServerEndPointBinding_CallerWritesResult_NextCallUnaffected()
    {
        using var cert = Create("ecdsa", HashAlgorithmName.SHA256);
        var transport = new TransportSecurity { IsEncrypted = true, ServerCertificate = cert };

        transport.GetTlsServerEndPointBinding()!.AsSpan().Clear();

        Assert.Equal(SHA256.HashData(cert.RawData), transport.GetTlsServerEndPointBinding());
    }

    private static byte[] Hash(string name, byte[] der) => name switch
    {
        "SHA256" => SHA256.HashData(der),
        "SHA384" => SHA384.HashData(der),
        "SHA512" => SHA512.HashData(der),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static X509Certificate2 Create(string family, HashAlgorithmName hash)
    {
        var now = DateTimeOffset.UtcNow;
        if (family == "ecdsa")
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            return new CertificateRequest("CN=localhost", ec, hash).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        }

        using var rsa = RSA.Create(2048);
        var padding = family == "rsa-pss" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return new CertificateRequest("CN=localhost", rsa, hash, padding).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    /// <summary>
    /// A certificate whose signatureAlgorithm claims <paramref name="oid"/> with no parameters (the BCL
    /// cannot make Ed25519 or SHA-1 certificates): the signature bytes are really ECDSA, which nothing here checks.
    /// </summary>
    private static X509Certificate2 CertificateClaiming(string oid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=localhost"), new PublicKey(key), HashAlgorithmName.SHA256);
        var generator = new ClaimingGenerator(X509SignatureGenerator.CreateForECDsa(key), oid);
        return request.Create(new X500DistinguishedName("CN=localhost"), generator, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
    }

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
