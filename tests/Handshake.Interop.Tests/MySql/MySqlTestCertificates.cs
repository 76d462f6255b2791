using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Interop.Tests.MySql;

/// <summary>A throwaway self-signed server certificate (CN=localhost, SAN 127.0.0.1) for our acceptor's TLS.</summary>
internal static class MySqlTestCertificates
{
    private static readonly Lazy<X509Certificate2> LazyServer = new(Create);

    public static X509Certificate2 Server => LazyServer.Value;

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Round-trip through PKCS#12 so SslStream on Linux gets a certificate whose key it can use.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
