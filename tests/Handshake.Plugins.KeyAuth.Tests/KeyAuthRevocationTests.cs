using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class KeyAuthRevocationTests
{
    private static readonly KeyAuthPlugin Plugin = new(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256) });
    private static readonly string Stored = TestKeys.AuthorizedKeysLine(TestKeys.P256) + "\n" + TestKeys.AuthorizedKeysLine(TestKeys.P384);

    [Fact]
    public async Task Process_KeyRevokedInOptions_RejectsPolicyViolation()
    {
        var revoked = KeyAuthFingerprint.FromPublicKey(TestKeys.P256).ToString();
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions { RevokedKeys = { revoked } });

        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(), verifier, Direct.ServerContext(Stored));

        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.PolicyViolation, step.Reason);
    }

    [Fact]
    public async Task RunAsync_KeyRevokedInRevocationListService_Fails()
    {
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), Stored);
        sp.GetRequiredService<InMemoryKeyAuthRevocationList>().Revoke(KeyAuthFingerprint.FromPublicKey(TestKeys.P256));

        var result = await Engine.RunAsync(sp);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_OtherKeyOfUserRevoked_StillSucceeds()
    {
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), Stored);
        sp.GetRequiredService<InMemoryKeyAuthRevocationList>().Revoke(KeyAuthFingerprint.FromPublicKey(TestKeys.P384));

        var result = await Engine.RunAsync(sp);

        Assert.True(result.Succeeded, result.ServerFailureReason.ToString());
    }

    [Fact]
    public async Task RunAsync_MultiRoundModeRevokedKey_IsNotListedAndClientFailsKeyUnavailable()
    {
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), Stored, s => s.AdvertiseKeys = true);
        sp.GetRequiredService<InMemoryKeyAuthRevocationList>().Revoke(KeyAuthFingerprint.FromPublicKey(TestKeys.P256));

        var result = await Engine.RunAsync(sp);

        Assert.Equal(AuthErrorCode.KeyUnavailable, result.ClientError?.Code);
    }

    [Fact]
    public async Task Reinstate_RevokedKey_IsNoLongerRevoked()
    {
        var list = new InMemoryKeyAuthRevocationList();
        var fingerprint = KeyAuthFingerprint.FromPublicKey(TestKeys.P256);
        list.Revoke(fingerprint);

        Assert.True(list.Reinstate(fingerprint));
        Assert.False(await list.IsRevokedAsync(fingerprint, default));
    }
}
