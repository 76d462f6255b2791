using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Testing.Conformance;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>The shared plugin rules, run against SCRAM-SHA-256 over a plain transport.</summary>
public class ScramConformanceTests : AuthPluginConformanceTests
{
    private const string Password = "scram-conformance-pw";

    protected override string PluginName => "SCRAM-SHA-256";

    protected override IReadOnlyList<string> Secrets => [Password, "scram-wrong-pw"];

    protected override void Register(IHandshakeBuilder builder) => builder.AddScram().AddScramVerifier();

    protected override StoredCredential CreateStoredCredential() =>
        ScramCredential.Create(Password, new PinnedRandom(3), ScramOptions.DefaultMinIterations).ToStoredCredential();

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, Password);

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "scram-wrong-pw");
}

/// <summary>The same rules over TLS with a server certificate (the client could bind: GS2 flag 'y').</summary>
public sealed class ScramTlsConformanceTests : ScramConformanceTests
{
    private static readonly X509Certificate2 Certificate = ScramTestSupport.EcdsaCertificate(HashAlgorithmName.SHA384);

    protected override TransportSecurity Transport => ScramTestSupport.Tls(Certificate);
}
