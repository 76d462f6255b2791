using System.Security.Cryptography.X509Certificates;
using Handshake.Testing.Conformance.Adapters;

namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>A throwaway self-signed server certificate for our acceptors, PostgreSQL, MySQL and SASL alike (CN=localhost, SAN 127.0.0.1 and localhost, RSA with SHA-256): the adapter conformance base's.</summary>
internal static class TestServerCertificate
{
    /// <summary>Gets one certificate for the whole test run (RSA key generation is slow on a shared 2-core machine).</summary>
    public static X509Certificate2 Instance => ConformanceServerCertificate.Instance;
}
