using Handshake.Testing.Conformance;

namespace Handshake.Plugins.NativePassword.Tests;

public sealed class NativePasswordConformanceTests : AuthPluginConformanceTests
{
    protected override string PluginName => NativePasswordPluginNames.MySqlNativePassword;

    protected override IReadOnlyList<string> Secrets => ["conformance-secret", "conformance-wrong", NativePasswordCredential.FromPassword("conformance-secret").Format()];

    protected override void Register(IHandshakeBuilder builder) => builder.AddNativePassword().AddNativePasswordVerifier();

    protected override StoredCredential CreateStoredCredential() => NativePasswordCredential.FromPassword("conformance-secret").ToStoredCredential();

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-secret");

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-wrong");
}
