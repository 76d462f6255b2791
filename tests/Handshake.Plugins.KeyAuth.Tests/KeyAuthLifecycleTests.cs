using System.Security.Cryptography;
using Handshake.Plugins.KeyAuth.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class KeyAuthLifecycleTests
{
    [Fact]
    public async Task TryConsume_SameChallengeFromManyThreads_ExactlyOneWins()
    {
        var store = new ConsumedChallengeStore(1000);
        var now = DateTimeOffset.UnixEpoch;
        var challenge = new byte[32];
        using var start = new ManualResetEventSlim();

        var racers = Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            start.Wait();
            return store.TryConsume(challenge, now.AddMinutes(1), now);
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(racers);

        Assert.Single(outcomes, o => o == ConsumedChallengeStore.Outcome.Consumed);
        Assert.All(outcomes.Where(o => o != ConsumedChallengeStore.Outcome.Consumed), o => Assert.Equal(ConsumedChallengeStore.Outcome.Reused, o));
    }

    [Fact]
    public async Task Process_UnknownUserAndBadSignature_SameReasonAndDetail()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.OtherP256) });
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());
        var signer = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256) });
        var stored = TestKeys.PublicPem(TestKeys.P256);

        var unknownUser = await Direct.RunAsync(signer, Direct.ClientContext(user: "ghost"), verifier, Direct.ServerContext(null, user: "ghost"));
        var unknownKey = await Direct.RunAsync(plugin, Direct.ClientContext(), verifier, Direct.ServerContext(stored));
        var badSignature = await Direct.RunAsync(signer, Direct.ClientContext(user: "bob"), verifier, Direct.ServerContext(stored));

        Assert.Equal(AuthErrorCode.InvalidCredential, unknownUser.Reason);
        Assert.Equal(unknownUser, unknownKey);
        Assert.Equal(unknownUser, badSignature);
    }

    [Fact]
    public async Task Dispose_AfterFailedExchange_DisposesFetchedKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var source = Substitute.For<IKeyAuthKeySource>();
        source.GetKeyAsync(Arg.Any<KeyAuthKeyRequest>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<AsymmetricAlgorithm>(key));
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { KeySource = source });
        var exchange = plugin.Start(Direct.ClientContext());
        await exchange.RespondAsync(new byte[] { 0x01, 0x03 }, default);

        // The server lists one key that is not ours: the client fails after fetching its key.
        byte[] keyList = [0x01, 0x02, 1, .. KeyAuthFingerprint.FromPublicKey(TestKeys.OtherP256).Hash, 32, .. new byte[32]];
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(keyList, default));
        exchange.Dispose();

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
        Assert.Throws<ObjectDisposedException>(() => key.ExportParameters(false));
    }

    [Fact]
    public async Task AddKeyAuth_NoKeyOrigin_FailsValidationWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddKeyAuth(_ => { });
        await using var sp = services.BuildServiceProvider();

        // Read when an exchange starts, checked at start-up: the options of the plugin's name fail validation.
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<KeyAuthClientOptions>>().Get(KeyAuthPluginNames.SshKeyAuth));

        Assert.Contains("exactly one of PrivateKeyPem, KeySource or Signer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyAuthVerifier_BadRevokedFingerprint_FailsValidationWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddKeyAuthVerifier(o => o.RevokedKeys.Add("MD5:aa:bb"));
        await using var sp = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => sp.GetServices<IAuthVerifier>().ToList());
    }
}
