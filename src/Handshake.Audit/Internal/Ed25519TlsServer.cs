using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;

namespace Handshake.Audit.Internal;

/// <summary>
/// A TLS 1.3/1.2 server presenting a self-signed Ed25519 certificate (RFC 8410, RFC 8446 §4.2.3 ed25519),
/// on BouncyCastle's TLS API: the BCL's SslStream cannot load an Ed25519 key. RFC 5929 §4.1 defines no
/// tls-server-end-point hash for this certificate, which is what the scenario tests.
/// </summary>
internal sealed class Ed25519TlsServer(BcTlsCrypto crypto, Ed25519Identity identity) : DefaultTlsServer(crypto)
{
    private static readonly Lazy<Ed25519Identity> SharedIdentity = new(Ed25519Identity.Create);

    public static Ed25519Identity Identity => SharedIdentity.Value;

    /// <summary>Runs the server side of the handshake on <paramref name="inner"/> and returns the decrypted stream.</summary>
    public static Stream Accept(Stream inner)
    {
        var crypto = new BcTlsCrypto(new SecureRandom());
        var protocol = new TlsServerProtocol(inner);
        protocol.Accept(new Ed25519TlsServer(crypto, Identity));
        return protocol.Stream;
    }

    public override TlsCredentials GetCredentials()
    {
        var certificate = crypto.CreateCertificate(identity.CertificateDer);
        var chain = TlsUtilities.IsTlsV13(m_context)
            ? new Certificate(TlsUtilities.EmptyBytes, [new CertificateEntry(certificate, null)])
            : new Certificate([certificate]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, identity.PrivateKey, chain, new SignatureAndHashAlgorithm(HashAlgorithm.Intrinsic, SignatureAlgorithm.ed25519));
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12);

    // TLS 1.3 suites, and the ECDHE_ECDSA suites TLS 1.2 uses with EdDSA certificates (RFC 8422 §5.1.1).
    protected override int[] GetSupportedCipherSuites() =>
    [
        CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ];
}

/// <summary>A self-signed Ed25519 certificate (CN=localhost) and its key, made once per process.</summary>
internal sealed class Ed25519Identity(byte[] certificateDer, Ed25519PrivateKeyParameters privateKey)
{
    public byte[] CertificateDer { get; } = certificateDer;

    public Ed25519PrivateKeyParameters PrivateKey { get; } = privateKey;

    public static Ed25519Identity Create()
    {
        var random = new SecureRandom();
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(random));
        var pair = generator.GenerateKeyPair();
        var name = new X509Name("CN=localhost");
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(DateTime.UtcNow.Ticks));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(DateTime.UtcNow.AddMinutes(-5));
        builder.SetNotAfter(DateTime.UtcNow.AddDays(7));
        builder.SetPublicKey(pair.Public);
        var certificate = builder.Generate(new Asn1SignatureFactory("Ed25519", pair.Private));
        return new Ed25519Identity(certificate.GetEncoded(), (Ed25519PrivateKeyParameters)pair.Private);
    }
}
