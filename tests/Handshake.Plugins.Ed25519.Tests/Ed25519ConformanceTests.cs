using Handshake.Testing.Conformance;

namespace Handshake.Plugins.Ed25519.Tests;

public sealed class Ed25519ConformanceTests : AuthPluginConformanceTests
{
    protected override string PluginName => Ed25519PluginNames.ClientEd25519;

    protected override IReadOnlyList<string> Secrets => ["conformance-secret", "conformance-wrong", Ed25519Credential.FromPassword("conformance-secret").Format()];

    protected override void Register(IHandshakeBuilder builder) => builder.AddEd25519().AddEd25519Verifier();

    protected override StoredCredential CreateStoredCredential() => Ed25519Credential.FromPassword("conformance-secret").ToStoredCredential();

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-secret");

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-wrong");
}
