using System.Collections.Concurrent;
using System.Text;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Handshake.Mfa.Tests.TestSupport;

namespace Handshake.Mfa.Tests;

public sealed class MultiFactorHandshakeTests
{
    private readonly ConcurrentQueue<(int Factor, string Plugin, string Secret)> _clientSecrets = new();
    private int _keyVerifierStarts;

    // Factor 1: a delegate password plugin; factor 2: TOTP; factor 3: a delegate "key" factor that sends its secret reversed.
    private ServiceProvider Build(FakeTimeProvider time, Action<FactorPolicyOptions> policies, Action<TotpVerifierOptions>? verifier = null, Action<TotpClientOptions>? client = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHandshake()
            .AddPlugin("pw", ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(Record(ctx)))
            .AddPlugin("key", ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(Record(ctx).Reverse().ToArray()))
            .AddTotp(client)
            .AddVerifier("pw", ctx => async (data, ct) => await Matches(ctx, data, ct) ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential))
            .AddVerifier("key", ctx =>
            {
                Interlocked.Increment(ref _keyVerifierStarts);
                return async (data, ct) => await Matches(ctx, data.ToArray().Reverse().ToArray(), ct) ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential);
            })
            .AddTotpVerifier(verifier)
            .AddAcceptor(o => o.DefaultPlugin = "pw")
            .AddFactorPolicies(policies);
        return services.BuildServiceProvider();
    }

    private static void ThreeFactors(FactorPolicyOptions policies) => policies.Add(
        "alice",
        new AuthFactorPolicy("pw", StoredCredential.FromString("pw1")),
        new AuthFactorPolicy("totp", StoredCredential.FromString(SecretBase32)),
        new AuthFactorPolicy("key", StoredCredential.FromString("key3")));

    private byte[] Record(AuthExchangeContext ctx)
    {
        var secret = ctx.RequireSecret().Bytes.ToArray();
        _clientSecrets.Enqueue((ctx.FactorIndex, ctx.PluginName, Encoding.UTF8.GetString(secret)));
        return secret;
    }

    private static async ValueTask<bool> Matches(VerifierContext ctx, ReadOnlyMemory<byte> data, CancellationToken ct) =>
        await ctx.GetStoredCredentialAsync(ct) is { } stored && Encoding.UTF8.GetString(data.Span) == stored.Value;

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, AuthCredentials credentials, string? userName = null)
    {
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(Tls);
        using var connection = InMemoryAuthConnection.Create(Tls, Tls);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, userName);
    }

    [Fact]
    public async Task RunAsync_PasswordThenTotpThenKey_SucceedsWithAssuranceLevelThreeAndSecretPerFactor()
    {
        var time = NewClock();
        await using var sp = Build(time, ThreeFactors);
        await ValidateAtStartAsync(sp);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1", SecretBase32, "key3");

        var result = await RunAsync(sp, credentials);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(3, result.ClientResult!.AssuranceLevel);
        Assert.Equal(3, result.ServerResult!.AssuranceLevel);
        Assert.Equal(["pw", "totp", "key"], result.ClientResult.Factors.Select(f => f.PluginName));
        Assert.Equal([1, 2, 3], result.ServerResult.Factors.Select(f => f.FactorIndex));
        Assert.Equal([(1, "pw", "pw1"), (3, "key", "key3")], _clientSecrets.ToArray());
    }

    [Fact]
    public async Task RunAsync_FactorOneWithoutSwitch_NextFactorGetsSecretTwo()
    {
        // The server opens with "pw" (its default), the user's factor 1 is "pw": no switch happens,
        // so factor 2 must still receive secret 2 (mysql2 counted plugins and got this wrong).
        var time = NewClock();
        await using var sp = Build(time, p => p.Add(
            "alice",
            new AuthFactorPolicy("pw", StoredCredential.FromString("pw1")),
            new AuthFactorPolicy("key", StoredCredential.FromString("second"))));
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1", "second", "third");

        var result = await RunAsync(sp, credentials);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal([(1, "pw", "pw1"), (2, "key", "second")], _clientSecrets.ToArray());
        Assert.Single(result.ClientResult!.Factors[0].PluginsTried);
        Assert.Equal(2, result.ClientResult.AssuranceLevel);
    }

    [Fact]
    public async Task RunAsync_WrongTotpAtFactorTwo_StopsChainAndReportsNoSuccess()
    {
        var time = NewClock();
        await using var sp = Build(time, ThreeFactors);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1", "JBSWY3DPEHPK3PXP", "key3");

        var result = await RunAsync(sp, credentials);

        Assert.False(result.Succeeded);
        Assert.Null(result.ClientResult);
        Assert.Null(result.ServerResult);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError!.Code);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
        Assert.Equal(0, Volatile.Read(ref _keyVerifierStarts));
        Assert.DoesNotContain(_clientSecrets, s => s.Factor == 3);
    }

    [Fact]
    public async Task RunAsync_TotpReplayedInSecondHandshake_SecondRejectedAsReplay()
    {
        var time = NewClock();
        await using var sp = Build(time, ThreeFactors);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1", SecretBase32, "key3");

        var first = await RunAsync(sp, credentials);
        var second = await RunAsync(sp, credentials);

        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        Assert.Equal(AuthErrorCode.ReplayDetected, second.ServerFailureReason);
        Assert.Equal(0 + 1, Volatile.Read(ref _keyVerifierStarts));
    }

    [Fact]
    public async Task RunAsync_FourthFactorRequested_ClientRefusesWithFactorLimitExceeded()
    {
        var time = NewClock();
        await using var sp = Build(time, ThreeFactors);
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1", SecretBase32, "key3");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        var server = new ScriptedAuthServer()
            .Send(AuthEvent.Begin("pw")).Expect()
            .Send(AuthEvent.NextFactor("totp", default, 2)).Expect()
            .Send(AuthEvent.NextFactor("key", default, 3)).Expect()
            .Send(AuthEvent.NextFactor("pw", default, 4)).Expect()
            .Send(AuthEvent.NextFactor("key", default, 5)).Expect();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => server.RunAgainstAsync(negotiator, Tls));

        Assert.Equal(AuthErrorCode.FactorLimitExceeded, ex.Code);
        Assert.Equal(3, server.Received.Count);
    }

    [Fact]
    public async Task RunAsync_SameTotpCodeInFiftyParallelHandshakes_AcceptedExactlyOnce()
    {
        var time = NewClock();
        await using var sp = Build(time, p => p.Add("alice", new AuthFactorPolicy("totp", StoredCredential.FromString(SecretBase32))), o => o.MaxConsecutiveFailures = 100);
        await ValidateAtStartAsync(sp);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(SecretBytes));
            return await RunAsync(sp, credentials, userName: "alice");
        })));

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.Equal(49, results.Count(r => r.ServerFailureReason == AuthErrorCode.ReplayDetected));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(AuthErrorCode.ServerRejected, r.ClientError!.Code));
    }

    [Fact]
    public async Task RunAsync_TotpFirstFactorUnknownUser_FailsLikeWrongCode()
    {
        var time = NewClock();
        await using var sp = Build(time, p => p.Add("alice", new AuthFactorPolicy("totp", StoredCredential.FromString(SecretBase32))));
        using var mallory = new AuthCredentials("mallory", AuthSecret.FromBytes(SecretBytes));
        using var alice = new AuthCredentials("alice", AuthSecret.FromPassword("JBSWY3DPEHPK3PXP"));

        var unknown = await RunAsync(sp, mallory, userName: "mallory");
        var wrong = await RunAsync(sp, alice, userName: "alice");

        Assert.False(unknown.Succeeded);
        Assert.Equal(wrong.ServerFailureReason, unknown.ServerFailureReason);
        Assert.Equal(wrong.ClientError!.Message, unknown.ClientError!.Message.Replace("mallory", "alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_PasswordThenPromptedTotp_PromptGetsFactorIndexAndVerifierMessage()
    {
        var time = NewClock();
        var asked = new List<TotpPromptContext>();
        await using var sp = Build(
            time,
            p => p.Add("alice", new AuthFactorPolicy("pw", StoredCredential.FromString("pw1")), new AuthFactorPolicy("totp", StoredCredential.FromString(SecretBase32))),
            client: o => o.Prompt = (ctx, ct) =>
            {
                asked.Add(ctx);
                return ValueTask.FromResult(Encoding.ASCII.GetString(CodeAt(time, 0)));
            });
        using var credentials = AuthCredentials.FromPasswords("alice", "pw1");

        var result = await RunAsync(sp, credentials);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(2, result.ClientResult!.AssuranceLevel);
        var prompt = Assert.Single(asked);
        Assert.Equal(2, prompt.FactorIndex);
        Assert.Equal("alice", prompt.UserName);
        Assert.Equal("Enter the 6-digit code for alice", prompt.ServerMessage);
    }
}
