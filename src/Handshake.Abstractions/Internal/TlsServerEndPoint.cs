using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Internal;

/// <summary>
/// Channel-binding data of type <c>tls-server-end-point</c> (RFC 5929 §4.1): the hash of the
/// server's certificate, with the hash function chosen from the certificate's own signature algorithm.
/// The one implementation every binding plugin reaches through <see cref="TransportSecurity.GetTlsServerEndPointBinding"/>.
/// </summary>
internal static class TlsServerEndPoint
{
    private const string RsaPss = "1.2.840.113549.1.1.10";

    /// <summary>
    /// The hash RFC 5929 §4.1 prescribes for a signature algorithm OID: MD5 and SHA-1 become SHA-256;
    /// SHA-256/384/512 stay as signed; RSA-PSS uses the hash in <paramref name="pssParameters"/>
    /// (SHA-1 when absent, its DEFAULT, hence SHA-256). Null when the algorithm has no single hash
    /// (Ed25519, Ed448) or is unknown: then no binding exists.
    /// </summary>
    /// <param name="signatureAlgorithmOid">The certificate's signatureAlgorithm OID.</param>
    /// <param name="pssParameters">The DER of RSASSA-PSS-params, for RSA-PSS only.</param>
    /// <returns>The hash, or null.</returns>
    public static HashAlgorithmName? HashForSignatureAlgorithm(string? signatureAlgorithmOid, ReadOnlySpan<byte> pssParameters = default) =>
        signatureAlgorithmOid switch
        {
            "1.2.840.113549.1.1.4" => HashAlgorithmName.SHA256, // md5WithRSAEncryption
            "1.2.840.113549.1.1.5" => HashAlgorithmName.SHA256, // sha1WithRSAEncryption
            "1.3.14.3.2.29" => HashAlgorithmName.SHA256, // sha1WithRSASignature (OIW)
            "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256, // sha256WithRSAEncryption
            "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384, // sha384WithRSAEncryption
            "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512, // sha512WithRSAEncryption
            "1.2.840.10045.4.1" => HashAlgorithmName.SHA256, // ecdsa-with-SHA1
            "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256, // ecdsa-with-SHA256
            "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384, // ecdsa-with-SHA384
            "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512, // ecdsa-with-SHA512
            "1.2.840.10040.4.3" => HashAlgorithmName.SHA256, // id-dsa-with-sha1
            "2.16.840.1.101.3.4.3.2" => HashAlgorithmName.SHA256, // id-dsa-with-sha256
            RsaPss => PssHash(pssParameters),
            _ => null, // Ed25519 (1.3.101.112), Ed448 (1.3.101.113), SHA-224 and anything unknown: no defined binding.
        };

    /// <summary>Computes the binding data for a certificate, or null when its signature algorithm defines none.</summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <returns>The hash of the certificate's DER, or null.</returns>
    public static byte[]? Compute(X509Certificate2 certificate)
    {
        var raw = certificate.RawDataMemory;
        if (!TryReadSignatureAlgorithm(raw, out var oid, out var parameters))
        {
            return null;
        }

        return HashForSignatureAlgorithm(oid, parameters.Span) is { } hash ? CryptographicOperations.HashData(hash, raw.Span) : null;
    }

    private static HashAlgorithmName? PssHash(ReadOnlySpan<byte> parameters)
    {
        if (parameters.IsEmpty)
        {
            return HashAlgorithmName.SHA256; // No parameters: every field takes its DEFAULT, hash sha1 (RFC 4055 §3.1) -> SHA-256.
        }

        try
        {
            var reader = new AsnReader(parameters.ToArray(), AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!sequence.HasData || !sequence.PeekTag().HasSameClassAndValue(hashTag))
            {
                return HashAlgorithmName.SHA256; // hashAlgorithm DEFAULT sha1 (RFC 4055 §3.1) -> SHA-256.
            }

            var explicitHash = sequence.ReadSequence(hashTag);
            var algorithm = explicitHash.ReadSequence();
            return algorithm.ReadObjectIdentifier() switch
            {
                "1.2.840.113549.2.5" => HashAlgorithmName.SHA256, // md5
                "1.3.14.3.2.26" => HashAlgorithmName.SHA256, // sha1
                "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
                "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
                "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
                _ => null,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>Reads Certificate.signatureAlgorithm (RFC 5280 §4.1.1.2) from the DER.</summary>
    private static bool TryReadSignatureAlgorithm(ReadOnlyMemory<byte> der, out string? oid, out ReadOnlyMemory<byte> parameters)
    {
        oid = null;
        parameters = default;
        try
        {
            var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            _ = certificate.ReadEncodedValue(); // tbsCertificate
            var algorithm = certificate.ReadSequence();
            oid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData)
            {
                parameters = algorithm.ReadEncodedValue();
            }

            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
