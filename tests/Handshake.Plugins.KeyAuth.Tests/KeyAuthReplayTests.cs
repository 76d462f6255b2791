using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class KeyAuthReplayTests
{
    private static readonly KeyAuthPlugin Plugin = new(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256) });
    private static readonly string Stored = TestKeys.PublicPem(TestKeys.P256);

    [Fact]
    public async Task Process_ReplayedResponseOnNewExchangeWithSameChallenge_RejectsReplayDetected()
    {
        // A repeating random source issues the same challenge twice: the captured response must still work only once.
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());
        var random = new FixedRandom();
        var captured = new List<byte[]>();
        var first = await Direct.RunAsync(Plugin, Direct.ClientContext(), verifier, Direct.ServerContext(Stored, random: random), clientMessages: captured);
        Assert.Equal(VerifierStepKind.Accept, first.Kind);

        using var replay = verifier.Start(Direct.ServerContext(Stored, random: random));
        await replay.BeginAsync(default);
        var step = await replay.ProcessAsync(captured[0], default);

        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.ReplayDetected, step.Reason);
    }

    [Fact]
    public async Task Process_ReplayedResponseOnFreshChallenge_RejectsInvalidCredential()
    {
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());
        var captured = new List<byte[]>();
        await Direct.RunAsync(Plugin, Direct.ClientContext(), verifier, Direct.ServerContext(Stored), clientMessages: captured);

        using var replay = verifier.Start(Direct.ServerContext(Stored));
        await replay.BeginAsync(default);
        var step = await replay.ProcessAsync(captured[0], default);

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task Process_SecondResponseInSameExchange_RejectsReplayDetected()
    {
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());
        using var client = Plugin.Start(Direct.ClientContext());
        using var server = verifier.Start(Direct.ServerContext(Stored));
        var challenge = await server.BeginAsync(default);
        var response = (await client.RespondAsync(challenge, default)).Data.ToArray();

        var first = await server.ProcessAsync(response, default);
        var second = await server.ProcessAsync(response, default);

        Assert.Equal(VerifierStepKind.Accept, first.Kind);
        Assert.Equal(AuthErrorCode.ReplayDetected, second.Reason);
    }

    [Fact]
    public async Task RunAsync_SameChallengeTwiceOverEngine_SecondHandshakeRejectedReplayDetected()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRandomSource>(new FixedRandom());
        services.AddHandshake()
            .AddKeyAuth(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256))
            .AddKeyAuthVerifier()
            .AddAcceptor(o => o.DefaultPlugin = KeyAuthPluginNames.SshKeyAuth)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(Stored))));
        await using var sp = services.BuildServiceProvider();

        var first = await Engine.RunAsync(sp);
        var second = await Engine.RunAsync(sp);

        Assert.True(first.Succeeded, first.ServerFailureReason.ToString());
        Assert.False(second.Succeeded);
        Assert.Equal(AuthErrorCode.ReplayDetected, second.ServerFailureReason);
    }

    [Fact]
    public async Task Process_AnsweredAfterLifetime_RejectsTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions { ChallengeLifetime = TimeSpan.FromSeconds(30) });
        using var client = Plugin.Start(Direct.ClientContext());
        using var server = verifier.Start(Direct.ServerContext(Stored, time: time));
        var challenge = await server.BeginAsync(default);
        var response = (await client.RespondAsync(challenge, default)).Data.ToArray();

        time.Advance(TimeSpan.FromSeconds(31));
        var step = await server.ProcessAsync(response, default);

        Assert.Equal(AuthErrorCode.Timeout, step.Reason);
    }

    [Fact]
    public async Task Process_AnsweredJustWithinLifetime_Accepts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions { ChallengeLifetime = TimeSpan.FromSeconds(30) });
        using var client = Plugin.Start(Direct.ClientContext());
        using var server = verifier.Start(Direct.ServerContext(Stored, time: time));
        var challenge = await server.BeginAsync(default);
        var response = (await client.RespondAsync(challenge, default)).Data.ToArray();

        time.Advance(TimeSpan.FromSeconds(30));
        var step = await server.ProcessAsync(response, default);

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Fact]
    public async Task Process_ChallengeStoreFullOfUnexpiredChallenges_RejectsReplayDetected()
    {
        var time = new FakeTimeProvider();
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions { MaxTrackedChallenges = 2 });
        for (byte seed = 1; seed <= 2; seed++)
        {
            var ok = await Direct.RunAsync(Plugin, Direct.ClientContext(), verifier, Direct.ServerContext(Stored, time: time, random: new FixedRandom(seed)));
            Assert.Equal(VerifierStepKind.Accept, ok.Kind);
        }

        var full = await Direct.RunAsync(Plugin, Direct.ClientContext(), verifier, Direct.ServerContext(Stored, time: time, random: new FixedRandom(3)));
        time.Advance(TimeSpan.FromMinutes(2));
        var afterExpiry = await Direct.RunAsync(Plugin, Direct.ClientContext(), verifier, Direct.ServerContext(Stored, time: time, random: new FixedRandom(4)));

        Assert.Equal(AuthErrorCode.ReplayDetected, full.Reason);
        Assert.Equal(VerifierStepKind.Accept, afterExpiry.Kind);
    }

    [Fact]
    public async Task Begin_ChallengeComesFromContextRandom()
    {
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());
        using var server = verifier.Start(Direct.ServerContext(Stored, random: new FixedRandom(0x10)));

        var begin = await server.BeginAsync(default);

        byte[] expected = [0x01, 0x01, 32, .. Enumerable.Range(0, 32).Select(i => (byte)(0x10 + i))];
        Assert.Equal(expected, begin.ToArray());
    }
}
