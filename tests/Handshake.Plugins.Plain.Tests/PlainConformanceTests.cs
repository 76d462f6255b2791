using Handshake.Testing.Conformance;
using Handshake.Plugins.Scram;

namespace Handshake.Plugins.Plain.Tests;

/// <summary>PLAIN keeps every plugin rule; over verified TLS, the only place its client sends the password.</summary>
public sealed class PlainConformanceTests : AuthPluginConformanceTests
{
    private static readonly StoredCredential Stored = ScramCredential.Create("conformance-secret", SystemRandomSource.Instance, 4096).ToStoredCredential();

    protected override string PluginName => PlainPluginNames.Plain;

    protected override IReadOnlyList<string> Secrets => ["conformance-secret", "conformance-wrong", Stored.Value];

    protected override TransportSecurity Transport => new() { IsEncrypted = true, IsCertificateVerified = true };

    protected override void Register(IHandshakeBuilder builder) => builder.AddPlain().AddScramVerifier().AddPlainVerifier();

    protected override StoredCredential CreateStoredCredential() => Stored;

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-secret");

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-wrong");
}
