using Handshake.Testing;

namespace Handshake.Tests;

public sealed class AuthAcceptorTests
{
    /// <summary>A verifier that accepts when the client sends "ok", records how often it started, and can run a number of rounds.</summary>
    private static IHandshakeBuilder AddToyVerifier(IHandshakeBuilder builder, string name, int rounds = 1, List<string>? started = null) =>
        builder.AddVerifier(
            name,
            ctx =>
            {
                started?.Add($"{name}@{ctx.FactorIndex}");
                return TestHost.Bytes($"{name}-challenge");
            },
            (ctx, _) =>
            {
                var seen = 0;
                return async (data, ct) =>
                {
                    var stored = await ctx.GetStoredCredentialAsync(ct);
                    seen++;
                    if (seen < rounds)
                    {
                        return VerifierStep.Continue(TestHost.Bytes($"more-{seen}"));
                    }

                    return stored is not null && TestHost.Text(data) == stored.Value ? VerifierStep.Accept(TestHost.Bytes($"{name}-proof")) : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "wrong answer");
                };
            });

    /// <summary>A client plugin that answers every round with its factor's secret: declared as cleartext, and the in-memory host opts in.</summary>
    private static IHandshakeBuilder AddToyPlugin(IHandshakeBuilder builder, string name) =>
        builder.AddPlugin(name, AuthSecretUse.Cleartext, ctx => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()));

    private static TestHost Host(Action<InMemoryCredentialStore> users, string defaultPlugin = "a", List<string>? started = null, int rounds = 1, Action<AcceptorOptions>? options = null) =>
        new(b =>
        {
            foreach (var n in new[] { "a", "b", "c", "d" })
            {
                AddToyVerifier(b, n, rounds, started);
                AddToyPlugin(b, n);
            }

            b.AddAcceptor(o =>
            {
                o.DefaultPlugin = defaultPlugin;
                options?.Invoke(o);
            });
            b.AddInMemoryCredentialStore(users);
        },
        o => o.AllowCleartextWithoutVerifiedTls = true);

    private static AuthFactorPolicy Factor(string plugin, string secret) => new(plugin, StoredCredential.FromString(secret));

    [Fact]
    public async Task RunAsync_UserOnDefaultPlugin_SucceedsWithoutSwitch()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();
        var recorder = new TranscriptRecorder();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, wrapClient: recorder.Record);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(recorder.Entries, e => e.Step == nameof(AuthEventKind.Switch));
        Assert.Equal("alice", result.ServerResult!.UserName);
    }

    [Fact]
    public async Task RunAsync_UserWithOtherPlugin_IsSwitchedToIt()
    {
        await using var host = Host(s => s.AddUser("bob", Factor("b", "pw")));
        using var creds = AuthCredentials.FromPasswords("bob", "pw");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();
        var recorder = new TranscriptRecorder();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, wrapClient: recorder.Record);

        Assert.True(result.Succeeded);
        Assert.Contains(recorder.Entries, e => e.Step == nameof(AuthEventKind.Switch) && e.PluginName == "b");
        Assert.Equal(["a", "b"], result.ClientResult!.Factors.Single().PluginsTried);
        Assert.Equal("b", result.ServerResult!.Factors.Single().PluginName);
    }

    [Fact]
    public async Task RunAsync_MultiRoundVerifier_RunsEveryRound()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")), rounds: 11);
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.True(result.Succeeded);
        Assert.Equal(11, result.ClientResult!.Rounds);
        Assert.Equal(11, result.ServerResult!.Rounds);
    }

    [Fact]
    public async Task RunAsync_ThreeFactorPolicy_AsksEachFactorInOrder()
    {
        var started = new List<string>();
        await using var host = Host(s => s.AddUser("carol", Factor("a", "one"), Factor("c", "two"), Factor("d", "three")), started: started);
        using var creds = AuthCredentials.FromPasswords("carol", "one", "two", "three");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.Equal(3, result.ServerResult!.AssuranceLevel);
        Assert.Equal(["a@1", "c@2", "d@3"], started);
        Assert.Equal(["a", "c", "d"], result.ClientResult!.Factors.Select(f => f.PluginName));
    }

    [Fact]
    public async Task RunAsync_SecondFactorWrong_StopsChainAndNeverStartsThird()
    {
        var started = new List<string>();
        await using var host = Host(s => s.AddUser("carol", Factor("a", "one"), Factor("c", "two"), Factor("d", "three")), started: started);
        using var creds = AuthCredentials.FromPasswords("carol", "one", "WRONG", "three");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.False(result.Succeeded);
        Assert.Null(result.ServerResult);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
        Assert.Equal(2, acceptor.CurrentFactor);
        Assert.Equal(["a@1", "c@2"], started);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError!.Code);
    }

    [Fact]
    public async Task RunAsync_UnknownUser_FailsIndistinguishablyFromWrongPassword()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")));

        async Task<(InMemoryHandshakeResult Result, string Shape)> Attempt(string user, string password)
        {
            using var creds = AuthCredentials.FromPasswords(user, password);
            using var negotiator = host.Negotiator(creds);
            using var acceptor = host.Acceptor();
            var recorder = new TranscriptRecorder();
            var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, wrapClient: recorder.Record);
            var shape = string.Join("|", recorder.Entries.Select(e => $"{e.Direction}:{e.Step.Split(' ')[0]}:{e.PluginName}:{e.Length}"));
            return (result, shape);
        }

        var wrong = await Attempt("alice", "nope");
        var unknown = await Attempt("mallory", "nope");

        Assert.Equal(wrong.Shape, unknown.Shape);
        Assert.Equal(wrong.Result.ClientError!.Code, unknown.Result.ClientError!.Code);
        Assert.Equal(wrong.Result.ClientError.ServerErrorCode, unknown.Result.ClientError.ServerErrorCode);
        Assert.Equal(wrong.Result.ClientError.Message.Replace("alice", "X", StringComparison.Ordinal), unknown.Result.ClientError.Message.Replace("mallory", "X", StringComparison.Ordinal));
        Assert.Equal(AuthErrorCode.InvalidCredential, wrong.Result.ServerFailureReason);
        Assert.Equal(AuthErrorCode.InvalidCredential, unknown.Result.ServerFailureReason);
    }

    [Fact]
    public async Task HandleAsync_VerifierAcceptsUnknownUser_EngineStillRejects()
    {
        await using var host = new TestHost(b => b
            .AddVerifier("yes", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddAcceptor(o => o.DefaultPlugin = "yes")
            .AddInMemoryCredentialStore());
        using var acceptor = host.Acceptor();

        await acceptor.StartAsync();
        var reply = await acceptor.HandleAsync(new AuthClientMessage("yes", default, "ghost"));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Null(acceptor.Result);
    }

    [Fact]
    public async Task HandleAsync_NextFactorAnsweredWithWrongPlugin_IsRejected()
    {
        await using var host = Host(s => s.AddUser("carol", Factor("a", "one"), Factor("c", "two")));
        using var acceptor = host.Acceptor();
        var script = new ScriptedAuthClient()
            .Expect(e => Assert.Equal(AuthEventKind.Begin, e.Kind))
            .Send(new AuthClientMessage("a", TestHost.Bytes("one"), "carol"))
            .Expect(e => Assert.Equal((AuthEventKind.NextFactor, "c", 2), (e.Kind, e.PluginName, e.FactorIndex)))
            .Send(new AuthClientMessage("d", TestHost.Bytes("two")))
            .Expect(e => Assert.Equal(AuthEventKind.Failed, e.Kind));

        var result = await script.RunAgainstAsync(acceptor);

        Assert.Null(result);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_NextFactor_CarriesPreviousFactorsProof()
    {
        await using var host = Host(s => s.AddUser("carol", Factor("a", "one"), Factor("c", "two")));
        using var acceptor = host.Acceptor();
        var script = new ScriptedAuthClient()
            .Expect()
            .Send(new AuthClientMessage("a", TestHost.Bytes("one"), "carol"))
            .Expect(e => Assert.Equal("a-proof", TestHost.Text(e.AcceptedData)));

        await script.RunAgainstAsync(acceptor);
    }

    [Fact]
    public async Task HandleAsync_FirstMessageWithoutUser_IsRejected()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")));
        using var acceptor = host.Acceptor();

        await acceptor.StartAsync();
        var reply = await acceptor.HandleAsync(new AuthClientMessage("a", TestHost.Bytes("pw")));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_ServerStoredPasswordAsSecondFactor_IsPolicyViolation()
    {
        var passwordVerifier = new PasswordLikeVerifier();
        await using var host = new TestHost(b =>
        {
            AddToyVerifier(b, "a");
            b.AddVerifier(passwordVerifier)
                .AddAcceptor(o => o.DefaultPlugin = "a")
                .AddInMemoryCredentialStore(s => s.AddUser("eve", Factor("a", "one"), Factor("pw", "two")));
        });
        using var acceptor = host.Acceptor();

        await acceptor.StartAsync();
        var reply = await acceptor.HandleAsync(new AuthClientMessage("a", TestHost.Bytes("one"), "eve"));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.PolicyViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_RoundLimit_IsEnforced()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")), rounds: 100, options: o => o.MaxRounds = 3);
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.Equal(AuthErrorCode.RoundLimitExceeded, result.ServerFailureReason);
    }

    [Fact]
    public async Task HandleAsync_VerifierThrows_BecomesUniformRejection()
    {
        await using var host = new TestHost(b => b
            .AddVerifier("boom", _ => (_, _) => throw new InvalidOperationException("internal detail"))
            .AddAcceptor(o => o.DefaultPlugin = "boom")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", Factor("boom", "x"))));
        using var acceptor = host.Acceptor();

        await acceptor.StartAsync();
        var reply = await acceptor.HandleAsync(new AuthClientMessage("boom", default, "alice"));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.DoesNotContain("internal detail", reply.Message, StringComparison.Ordinal);
        Assert.Equal(AuthErrorCode.PluginFailure, acceptor.FailureReason);
    }

    [Fact]
    public async Task StartAsync_OfferMode_OffersVerifierMechanismsAndAcceptsTheChosenOne()
    {
        var verifier = new TwoMechanismVerifier();
        await using var host = new TestHost(b => b
            .AddVerifier(verifier)
            .AddPlugin(new RecordingPlugin("M-PLUS") { Preference = 2 })
            .AddPlugin(new RecordingPlugin("M") { Preference = 1 })
            .AddAcceptor(o => o.DefaultPlugin = "M")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", Factor("M", "x"))));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, userName: "alice");

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.Equal("M-PLUS", verifier.LastMechanism);
        Assert.Equal("M-PLUS", result.ClientResult!.Factors.Single().PluginName);
    }

    [Fact]
    public async Task HandleAsync_OfferModeClientChoosesUnofferedMechanism_IsRejected()
    {
        await using var host = new TestHost(b => b
            .AddVerifier(new TwoMechanismVerifier())
            .AddAcceptor(o => o.DefaultPlugin = "M")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", Factor("M", "x"))));
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);

        var offer = await acceptor.StartAsync("alice");
        var reply = await acceptor.HandleAsync(new AuthClientMessage("PLAIN", default));

        Assert.Equal(["M-PLUS", "M"], offer.Mechanisms);
        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task RunAsync_ClientNeverAnswers_RejectsWithTimeout()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")), options: o => o.RoundTimeout = TimeSpan.FromSeconds(2));
        using var acceptor = host.Acceptor();
        using var connection = InMemoryAuthConnection.Create();

        var run = acceptor.RunAsync(connection.Server);
        var begin = await connection.Client.ReceiveAsync(CancellationToken.None);
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        Assert.Null(await run);
        Assert.Equal(AuthEventKind.Begin, begin.Kind);
        Assert.Equal(AuthErrorCode.Timeout, acceptor.FailureReason);
        Assert.Equal(AuthEventKind.Failed, (await connection.Client.ReceiveAsync(CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task RunAsync_ClientHangsUp_RejectsWithTransportFailure()
    {
        await using var host = Host(s => s.AddUser("alice", Factor("a", "pw")));
        using var acceptor = host.Acceptor();
        using var connection = InMemoryAuthConnection.Create();

        var run = acceptor.RunAsync(connection.Server);
        await connection.Client.ReceiveAsync(CancellationToken.None);
        connection.CloseClient();

        Assert.Null(await run);
        Assert.Equal(AuthErrorCode.TransportFailure, acceptor.FailureReason);
    }

    private sealed class PasswordLikeVerifier : IAuthVerifier
    {
        public string Name => "pw";

        public bool UsesServerStoredPassword => true;

        public IVerifierExchange Start(VerifierContext context) => throw new InvalidOperationException("must not start");
    }

    private sealed class TwoMechanismVerifier : IAuthVerifier
    {
        public string Name => "M";

        public string? LastMechanism { get; private set; }

        public IReadOnlyList<string> GetMechanisms(TransportSecurity transport) => ["M-PLUS", "M"];

        public IVerifierExchange Start(VerifierContext context)
        {
            LastMechanism = context.Mechanism;
            return new Exchange();
        }

        private sealed class Exchange : IVerifierExchange
        {
            public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);

            public ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken) => ValueTask.FromResult(VerifierStep.Accept());

            public void Dispose()
            {
            }
        }
    }
}
