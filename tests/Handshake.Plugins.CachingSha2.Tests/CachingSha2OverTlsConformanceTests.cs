using Handshake.Testing.Conformance;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>caching_sha2_password under the shared rules, full authentication over verified TLS.</summary>
public sealed class CachingSha2OverTlsConformanceTests : AuthPluginConformanceTests
{
    protected override string PluginName => CachingSha2PluginNames.CachingSha2Password;

    protected override IReadOnlyList<string> Secrets => ["conformance-secret", "conformance-wrong"];

    protected override TransportSecurity Transport { get; } = new() { IsEncrypted = true, IsCertificateVerified = true };

    protected override void Register(IHandshakeBuilder builder) =>
        builder.AddCachingSha2().AddCachingSha2Verifier(o =>
        {
            o.PrivateKeyPem = TestKeys.ServerPrivatePem;
            o.UnknownUserIterations = CachingSha2Credential.MinIterations;
        });

    protected override StoredCredential CreateStoredCredential() => CachingSha2Credential.FromPassword("conformance-secret", iterations: CachingSha2Credential.MinIterations).ToStoredCredential();

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-secret");

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "conformance-wrong");
}
