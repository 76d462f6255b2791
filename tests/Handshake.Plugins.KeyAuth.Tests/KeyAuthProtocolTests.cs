namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>Malformed peer messages end in a typed error on both sides, never another exception.</summary>
public sealed class KeyAuthProtocolTests
{
    private static readonly KeyAuthPlugin Plugin = new(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256) });

    public static TheoryData<string, byte[]> MalformedServerMessages => new()
    {
        { "empty", [] },
        { "version only", [0x01] },
        { "unknown version", [0x02, 0x01, 32, .. new byte[32]] },
        { "unknown type", [0x01, 0x09] },
        { "challenge length mismatch", [0x01, 0x01, 40, .. new byte[32]] },
        { "challenge too short", [0x01, 0x01, 8, .. new byte[8]] },
        { "key list without offer", [0x01, 0x02, 0, 32, .. new byte[32]] },
        { "keys offer with payload", [0x01, 0x03, 0x00] },
    };

    [Theory]
    [MemberData(nameof(MalformedServerMessages))]
    public async Task Respond_MalformedServerMessage_ThrowsProtocolViolation(string what, byte[] message)
    {
        using var exchange = Plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(message, default));

        Assert.True(ex.Code == AuthErrorCode.ProtocolViolation, what);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, ex.PluginName);
    }

    public static TheoryData<string, byte[]> MalformedKeyLists => new()
    {
        { "too many keys", [0x01, 0x02, 33, .. new byte[33 * 32], 32, .. new byte[32]] },
        { "truncated", [0x01, 0x02, 2, .. new byte[32]] },
        { "challenge length mismatch", [0x01, 0x02, 1, .. new byte[32], 31, .. new byte[32]] },
    };

    [Theory]
    [MemberData(nameof(MalformedKeyLists))]
    public async Task Respond_MalformedKeyList_ThrowsProtocolViolation(string what, byte[] message)
    {
        using var exchange = Plugin.Start(Direct.ClientContext());
        await exchange.RespondAsync(new byte[] { 0x01, 0x03 }, default);

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(message, default));

        Assert.True(ex.Code == AuthErrorCode.ProtocolViolation, what);
    }

    [Fact]
    public async Task Respond_SecondChallengeAfterAnswer_ThrowsProtocolViolation()
    {
        using var exchange = Plugin.Start(Direct.ClientContext());
        await exchange.RespondAsync(KeyAuthKeySourceTests.Challenge(), default);

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(KeyAuthKeySourceTests.Challenge(), default));

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    public static TheoryData<string, byte[]> MalformedClientMessages => new()
    {
        { "empty", [] },
        { "unknown version", [0x02, 0x01] },
        { "truncated response", [0x01, 0x01, .. new byte[10]] },
        { "unknown algorithm", [0x01, 0x01, .. new byte[32], 0x09, 0x00, 0x40, .. new byte[64]] },
        { "signature length mismatch", [0x01, 0x01, .. new byte[32], 0x01, 0x00, 0x41, .. new byte[64]] },
        { "oversize signature", [0x01, 0x01, .. new byte[32], 0x03, 0x08, 0x01, .. new byte[2049]] },
        { "key query in single-round mode", [0x01, 0x02] },
    };

    [Theory]
    [MemberData(nameof(MalformedClientMessages))]
    public async Task Process_MalformedClientMessage_RejectsProtocolViolation(string what, byte[] message)
    {
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());
        using var server = verifier.Start(Direct.ServerContext(TestKeys.PublicPem(TestKeys.P256)));
        await server.BeginAsync(default);

        var step = await server.ProcessAsync(message, default);

        Assert.True(step.Kind == VerifierStepKind.Reject && step.Reason == AuthErrorCode.ProtocolViolation, $"{what}: {step}");
    }

    [Fact]
    public async Task Process_UnknownUserInMultiRoundMode_ListsStablePlausibleFingerprint()
    {
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions { AdvertiseKeys = true });

        async Task<byte[]> ListFor(string user)
        {
            using var server = verifier.Start(Direct.ServerContext(null, user: user, random: new FixedRandom()));
            await server.BeginAsync(default);
            return (await server.ProcessAsync(new byte[] { 0x01, 0x02 }, default)).Data.ToArray();
        }

        var first = await ListFor("ghost");
        var again = await ListFor("ghost");
        var other = await ListFor("phantom");

        Assert.Equal(1, first[2]);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task RunAsync_UnknownUserInMultiRoundMode_ClientFailsAsWithUnlistedKey()
    {
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), TestKeys.PublicPem(TestKeys.OtherP256), s => s.AdvertiseKeys = true);

        var unknown = await Engine.RunAsync(sp, user: "ghost");
        var unlisted = await Engine.RunAsync(sp);

        Assert.Equal(AuthErrorCode.KeyUnavailable, unknown.ClientError?.Code);
        Assert.Equal(unlisted.ClientError?.Code, unknown.ClientError?.Code);
    }

    [Fact]
    public void Constructor_InvalidVerifierOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new KeyAuthVerifier(new KeyAuthVerifierOptions { ChallengeLifetime = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new KeyAuthVerifier(new KeyAuthVerifierOptions { RevokedKeys = { "not-a-fingerprint" } }));
        Assert.Throws<ArgumentException>(() => new KeyAuthVerifier(new KeyAuthVerifierOptions { MaxTrackedChallenges = 0 }));
    }
}
