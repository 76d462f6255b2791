using System.Security.Cryptography.X509Certificates;

using Handshake.Internal;

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

    public static X509Certificate2 Create(string subject) => SelfSignedCertificates.Create(subject, rsa: false, TimeSpan.FromDays(7));

    /// <summary>The tls-server-end-point binding data of a certificate (RFC 5929 §4.1), or null when its algorithm defines none.</summary>
    public static byte[]? EndPointBinding(X509Certificate2 certificate) => new TransportSecurity { IsEncrypted = true, ServerCertificate = certificate }.GetTlsServerEndPointBinding();
}
