using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>RFC 5929 §4.1 <c>tls-server-end-point</c>: a hash of the server certificate's DER encoding.</summary>
internal static class TlsServerEndPoint
{
    public static byte[] Compute(X509Certificate2 certificate, string pluginName, int factorIndex)
    {
        // RFC 5929 §4.1: use the certificate's signature hash, except that MD5 and SHA-1 are replaced by SHA-256.
        var hash = certificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.113549.1.1.4" or "1.2.840.113549.1.1.5" or "1.2.840.10045.4.1" or "1.3.14.3.2.29" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => throw new HandshakeException(
                AuthErrorCode.ChannelBindingFailure,
                $"The server certificate's signature algorithm ({certificate.SignatureAlgorithm.Value}) has no single hash, so tls-server-end-point channel binding is undefined for it (RFC 5929 §4.1).",
                pluginName,
                factorIndex),
        };
        var der = certificate.RawDataMemory.Span;
        return hash == HashAlgorithmName.SHA384 ? SHA384.HashData(der)
            : hash == HashAlgorithmName.SHA512 ? SHA512.HashData(der)
            : SHA256.HashData(der);
    }
}
