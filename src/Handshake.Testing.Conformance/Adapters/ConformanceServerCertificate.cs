using System.Security.Cryptography.X509Certificates;

using Handshake.Internal;

namespace Handshake.Testing.Conformance.Adapters;

/// <summary>A throwaway self-signed server certificate for adapter tests (CN=localhost, SAN 127.0.0.1 and localhost, RSA with SHA-256).</summary>
public static class ConformanceServerCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(Create);

    /// <summary>Gets one certificate for the whole test run (RSA key generation is slow on a shared machine).</summary>
    public static X509Certificate2 Instance => Shared.Value;

    private static X509Certificate2 Create() => SelfSignedCertificates.Create("CN=localhost", rsa: true, TimeSpan.FromDays(1));
}
