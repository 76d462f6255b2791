using Handshake.Testing.Conformance;
using Handshake.Testing;

namespace Handshake.Tests;

/// <summary>The delegate-built demo method passes the same conformance suite every plugin must pass.</summary>
public sealed class HmacChallengeConformanceTests : AuthPluginConformanceTests
{
    private const string Good = "the-right-password";
    private const string Bad = "a-wrong-password";

    protected override string PluginName => HmacChallengeHandshakeBuilderExtensions.DefaultName;

    protected override IReadOnlyList<string> Secrets => [Good, Bad];

    protected override void Register(IHandshakeBuilder builder) => builder.AddHmacChallenge();

    protected override StoredCredential CreateStoredCredential() => HmacChallengeHandshakeBuilderExtensions.CreateStoredCredential(Good);

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, Good);

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, Bad);
}
