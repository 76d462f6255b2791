using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Tests;

/// <summary>AcceptorOptions.AlternativeFirstPlugins and VerifierStep.Decline: a verifier that may stand in for a user's whole chain.</summary>
public sealed class AlternativeFirstFactorTests
{
    private static AuthFactorPolicy Factor(string plugin, string secret) => new(plugin, StoredCredential.FromString(secret));

    /// <summary>A verifier that accepts when the client sends "name:secret:round" for the stored secret.</summary>
    private static IHandshakeBuilder AddToyVerifier(IHandshakeBuilder builder, string name, List<string> started) =>
        builder.AddVerifier(
            name,
            ctx =>
            {
                started.Add($"{name}@{ctx.FactorIndex}");
                return ReadOnlyMemory<byte>.Empty;
            },
            (ctx, _) => async (data, ct) =>
            {
                var stored = await ctx.GetStoredCredentialAsync(ct);
                return stored is not null && TestHost.Text(data) == $"{name}:{stored.Value}:1" ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "wrong answer");
            });

    /// <summary>The alternative: "good" accepts, "stale" declines, anything else is rejected.</summary>
    private static IHandshakeBuilder AddAlternativeVerifier(IHandshakeBuilder builder, List<string> started) =>
        builder.AddVerifier(
            "alt",
            ctx =>
            {
                started.Add($"alt@{ctx.FactorIndex}");
                return ReadOnlyMemory<byte>.Empty;
            },
            (_, _) => (data, _) => ValueTask.FromResult(TestHost.Text(data) switch
            {
                "good" => VerifierStep.Accept(TestHost.Bytes("next")),
                "stale" => VerifierStep.Decline(AuthErrorCode.ReplayDetected, "stale token"),
                _ => VerifierStep.Reject(AuthErrorCode.InvalidCredential, "bad token"),
            }));

    private static TestHost Host(List<string> started, RecordingPlugin alternativeClient, Action<InMemoryCredentialStore> users) =>
        new(b =>
        {
            AddToyVerifier(b, "a", started);
            AddToyVerifier(b, "b", started);
            AddAlternativeVerifier(b, started);
            b.AddPlugin(new RecordingPlugin("a"));
            b.AddPlugin(new RecordingPlugin("b"));
            b.AddPlugin(alternativeClient);
            b.AddAcceptor(o =>
            {
                o.DefaultPlugin = "a";
                o.AlternativeFirstPlugins.Add("alt");
            });
            b.AddInMemoryCredentialStore(users);
        });

    private static RecordingPlugin AlternativeClient(string answer) => new("alt")
    {
        Preference = 100,
        Respond = (_, _, _) => ValueTask.FromResult(AuthReply.Send(TestHost.Bytes(answer))),
    };

    [Fact]
    public async Task StartAsync_OfferModeWithAlternative_OffersItAfterTheUsersMechanismsToKnownAndUnknownUsers()
    {
        await using var host = Host([], AlternativeClient("good"), s => s.AddUser("alice", Factor("a", "pw")));
        using var known = host.Acceptor(mode: AcceptorStartMode.Offer);
        using var unknown = host.Acceptor(mode: AcceptorStartMode.Offer);

        var knownOffer = await known.StartAsync("alice");
        var unknownOffer = await unknown.StartAsync("mallory");

        Assert.Equal(["a", "alt"], knownOffer.Mechanisms);
        Assert.Equal(knownOffer.Mechanisms, unknownOffer.Mechanisms);
    }

    [Fact]
    public async Task RunAsync_AlternativeAccepts_CompletesTheWholeChainAtOnce()
    {
        var started = new List<string>();
        var client = AlternativeClient("good");
        var accepted = new List<string>();
        client.Accepted = data => accepted.Add(TestHost.Text(data));
        await using var host = Host(started, client, s => s.AddUser("alice", Factor("a", "pw"), Factor("b", "otp")));
        using var creds = AuthCredentials.FromPasswords("alice", "pw", "otp");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, userName: "alice");

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.Equal(["alt@1"], started);
        Assert.Equal("alt", Assert.Single(result.ClientResult!.Factors).PluginName);
        Assert.Equal("alt", Assert.Single(acceptor.Result!.Factors).PluginName);
        Assert.Equal(["next"], accepted);
    }

    [Fact]
    public async Task RunAsync_AlternativeDeclines_SwitchesToTheUsersChainInTheSameConnection()
    {
        var started = new List<string>();
        var client = AlternativeClient("stale");
        await using var host = Host(started, client, s => s.AddUser("alice", Factor("a", "pw"), Factor("b", "otp")));
        using var creds = AuthCredentials.FromPasswords("alice", "pw", "otp");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, userName: "alice");

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.Equal(["alt@1", "a@1", "b@2"], started);
        Assert.Equal(["a", "b"], result.ClientResult!.Factors.Select(f => f.PluginName));
        Assert.Equal(["alt", "a"], acceptor.Result!.Factors[0].PluginsTried);
        Assert.Equal(2, acceptor.Result.AssuranceLevel);
        Assert.True(Assert.Single(client.Exchanges).Disposed);
        Assert.False(client.Exchanges.Single().WasAccepted);
    }

    [Fact]
    public async Task RunAsync_AlternativeDeclinesForUnknownUser_FailsLikeAWrongPassword()
    {
        var started = new List<string>();
        await using var host = Host(started, AlternativeClient("stale"), s => s.AddUser("alice", Factor("a", "pw")));
        using var creds = AuthCredentials.FromPasswords("mallory", "pw");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, userName: "mallory");

        Assert.False(result.Succeeded);
        Assert.Equal(["alt@1", "a@1"], started);
        Assert.Equal(AuthErrorCode.InvalidCredential, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_DeclineFromAVerifierThatIsNotAnAlternative_IsARejection()
    {
        await using var host = new TestHost(b => b
            .AddVerifier("d", _ => ReadOnlyMemory<byte>.Empty, (_, _) => (_, _) => ValueTask.FromResult(VerifierStep.Decline(AuthErrorCode.ReplayDetected, "no")))
            .AddAcceptor(o => o.DefaultPlugin = "d")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", Factor("d", "x"))));
        using var acceptor = host.Acceptor();

        await acceptor.StartAsync("alice");
        var reply = await acceptor.HandleAsync(new AuthClientMessage("d", TestHost.Bytes("x")));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ReplayDetected, acceptor.FailureReason);
    }

    [Fact]
    public void Decline_ToString_ShowsReasonNotPayload()
    {
        var step = VerifierStep.Decline(AuthErrorCode.ReplayDetected, "reused");

        Assert.Equal(VerifierStepKind.Decline, step.Kind);
        Assert.Equal("Decline(ReplayDetected: reused)", step.ToString());
    }

    [Theory]
    [InlineData("missing", "not a registered verifier")]
    [InlineData("a", "cannot be it")]
    public async Task ValidateOnStart_BadAlternative_FailsNamingIt(string alternative, string expected)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddVerifier("a", _ => ReadOnlyMemory<byte>.Empty, (_, _) => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "a";
                o.AlternativeFirstPlugins.Add(alternative);
            })
            .AddInMemoryCredentialStore(_ => { });
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => Task.Run(() => provider.GetRequiredService<IStartupValidator>().Validate()));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
