using Handshake.Testing;
using NSubstitute;

namespace Handshake.Tests;

public sealed class AuthNegotiatorTests
{
    private static AuthCredentials ThreeSecrets() => AuthCredentials.FromPasswords("alice", "pw1", "pw2", "pw3");

    [Fact]
    public async Task HandleAsync_Begin_SendsPluginReplyWithServerData()
    {
        var plugin = new RecordingPlugin("alpha");
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("alpha", TestHost.Bytes("scramble")));

        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal("alpha", action.PluginName);
        Assert.Equal("alpha:pw1:1", TestHost.Text(action.Data));
        Assert.Equal("scramble", Assert.Single(plugin.Exchanges).Seen.Single());
    }

    [Fact]
    public async Task HandleAsync_Switch_RestartsFactorWithNewPluginAndDisposesOld()
    {
        var alpha = new RecordingPlugin("alpha");
        var beta = new RecordingPlugin("beta");
        await using var host = new TestHost(b => b.AddPlugin(alpha).AddPlugin(beta));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("alpha"));
        var switched = await negotiator.HandleAsync(AuthEvent.Switch("beta", TestHost.Bytes("new-scramble")));
        var done = await negotiator.HandleAsync(AuthEvent.Succeeded());

        Assert.True(alpha.Exchanges.Single().Disposed);
        Assert.Equal("beta:pw1:1", TestHost.Text(switched.Data));
        Assert.Equal(AuthActionKind.Completed, done.Kind);
        var factor = Assert.Single(done.Result!.Factors);
        Assert.Equal("beta", factor.PluginName);
        Assert.Equal(["alpha", "beta"], factor.PluginsTried);
        Assert.True(beta.Exchanges.Single().WasAccepted);
        Assert.True(beta.Exchanges.Single().Disposed);
    }

    [Fact]
    public async Task HandleAsync_TwelveContinueRounds_EachReachesTheSameExchange()
    {
        var plugin = new RecordingPlugin("chatty");
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("chatty", TestHost.Bytes("r0")));
        for (var i = 1; i <= 12; i++)
        {
            var action = await negotiator.HandleAsync(AuthEvent.Continue(TestHost.Bytes($"r{i}")));
            Assert.Equal($"chatty:pw1:{i + 1}", TestHost.Text(action.Data));
        }

        var done = await negotiator.HandleAsync(AuthEvent.Succeeded());
        Assert.Equal(13, done.Result!.Rounds);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => $"r{i}"), plugin.Exchanges.Single().Seen);
    }

    [Fact]
    public async Task HandleAsync_UnknownPlugin_FailsNamingItAndListingRegistered()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("alpha")).AddPlugin(new RecordingPlugin("beta")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("sha256_password")).AsTask());

        Assert.Equal(AuthErrorCode.UnknownPlugin, ex.Code);
        Assert.True(ex.IsFatal);
        Assert.Equal("sha256_password", ex.PluginName);
        Assert.Contains("'sha256_password'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("alpha, beta", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AuthNegotiatorState.Failed, negotiator.State);
    }

    [Fact]
    public async Task HandleAsync_ThreeFactors_EachPluginGetsItsOwnSecret()
    {
        var one = new RecordingPlugin("one");
        var two = new RecordingPlugin("two");
        var three = new RecordingPlugin("three");
        await using var host = new TestHost(b => b.AddPlugin(one).AddPlugin(two).AddPlugin(three));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var a1 = await negotiator.HandleAsync(AuthEvent.Begin("one"));
        var a2 = await negotiator.HandleAsync(AuthEvent.NextFactor("two"));
        var a3 = await negotiator.HandleAsync(AuthEvent.NextFactor("three", factorIndex: 3));
        var done = await negotiator.HandleAsync(AuthEvent.Succeeded());

        Assert.Equal(["one:pw1:1", "two:pw2:1", "three:pw3:1"], new[] { a1, a2, a3 }.Select(a => TestHost.Text(a.Data)));
        Assert.Equal(3, done.Result!.AssuranceLevel);
        Assert.Equal([1, 2, 3], done.Result.Factors.Select(f => f.FactorIndex));
        Assert.Equal(["one", "two", "three"], done.Result.Factors.Select(f => f.PluginName));
        Assert.All(new[] { one, two, three }, p => Assert.True(p.Exchanges.Single().WasAccepted));
    }

    [Fact]
    public async Task HandleAsync_NextFactorAfterFirstFactorWithoutSwitch_GetsSecondSecret()
    {
        // mysql2 counts plugins run to find the factor, which is off by one when factor 1 had no switch.
        var native = new RecordingPlugin("native");
        var token = new RecordingPlugin("token");
        await using var host = new TestHost(b => b.AddPlugin(native).AddPlugin(token));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("native"));
        var second = await negotiator.HandleAsync(AuthEvent.NextFactor("token"));

        Assert.Equal("token:pw2:1", TestHost.Text(second.Data));
        Assert.Equal(2, token.Exchanges.Single().Context.FactorIndex);
    }

    [Fact]
    public async Task HandleAsync_SwitchInSecondFactor_KeepsSecondSecret()
    {
        var one = new RecordingPlugin("one");
        var two = new RecordingPlugin("two");
        var other = new RecordingPlugin("other");
        await using var host = new TestHost(b => b.AddPlugin(one).AddPlugin(two).AddPlugin(other));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("one"));
        await negotiator.HandleAsync(AuthEvent.NextFactor("two"));
        var switched = await negotiator.HandleAsync(AuthEvent.Switch("other"));

        Assert.Equal("other:pw2:1", TestHost.Text(switched.Data));
    }

    [Fact]
    public async Task HandleAsync_FourthFactor_IsRefused()
    {
        var plugins = new[] { "f1", "f2", "f3", "f4" }.Select(n => new RecordingPlugin(n)).ToArray();
        await using var host = new TestHost(b =>
        {
            foreach (var p in plugins)
            {
                b.AddPlugin(p);
            }
        });
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("f1"));
        await negotiator.HandleAsync(AuthEvent.NextFactor("f2"));
        await negotiator.HandleAsync(AuthEvent.NextFactor("f3"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.NextFactor("f4")).AsTask());

        Assert.Equal(AuthErrorCode.FactorLimitExceeded, ex.Code);
        Assert.Empty(plugins[3].Exchanges);
        Assert.True(plugins[2].Exchanges.Single().Disposed);
    }

    [Fact]
    public async Task HandleAsync_MaxFactorsOptionLowerThanServerAsks_IsRefused()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("f1")).AddPlugin(new RecordingPlugin("f2")), o => o.MaxFactors = 1);
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("f1"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.NextFactor("f2")).AsTask());
        Assert.Equal(AuthErrorCode.FactorLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_NextFactorAnnouncingWrongIndex_IsProtocolViolation()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("f1")).AddPlugin(new RecordingPlugin("f2")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("f1"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.NextFactor("f2", factorIndex: 3)).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_MissingSecretForFactor_FailsBeforeAnythingIsSent()
    {
        var strict = new DelegateStrictPlugin();
        var transportSent = new List<AuthClientMessage>();
        await using var host = new TestHost(b => b.AddPlugin("needs-secret", AuthSecretUse.Derived, ctx =>
        {
            var secret = ctx.RequireSecret();
            return (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(secret.Bytes.ToArray());
        }).AddPlugin(strict));
        using var creds = new AuthCredentials("alice", AuthSecret.FromPassword("pw1"));
        using var negotiator = host.Negotiator(creds);
        var script = new ScriptedAuthServer()
            .Send(AuthEvent.Begin("needs-secret"))
            .Expect()
            .Send(AuthEvent.NextFactor("needs-secret-2"))
            .Expect();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => script.RunAgainstAsync(negotiator));

        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
        Assert.Equal(2, ex.FactorIndex);
        Assert.Contains("password2", ex.Message, StringComparison.Ordinal);
        Assert.Single(script.Received);
    }

    [Fact]
    public async Task HandleAsync_RoundLimit_IsEnforced()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("loop")), o => o.MaxRounds = 5);
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("loop"));
        for (var i = 0; i < 4; i++)
        {
            await negotiator.HandleAsync(AuthEvent.Continue(default));
        }

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Continue(default)).AsTask());
        Assert.Equal(AuthErrorCode.RoundLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_ServerSwitchingInALoop_IsCutOff()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("a")).AddPlugin(new RecordingPlugin("b")), o => o.MaxPluginSwitches = 3);
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("a"));
        await negotiator.HandleAsync(AuthEvent.Switch("b"));
        await negotiator.HandleAsync(AuthEvent.Switch("a"));
        await negotiator.HandleAsync(AuthEvent.Switch("b"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Switch("a")).AsTask());
        Assert.Equal(AuthErrorCode.RoundLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_PluginSlowerThanRoundTimeout_FailsWithTimeout()
    {
        var slow = new RecordingPlugin("slow")
        {
            Respond = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return AuthReply.None;
            },
        };
        await using var host = new TestHost(b => b.AddPlugin(slow), o => o.RoundTimeout = TimeSpan.FromSeconds(5));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var pending = negotiator.HandleAsync(AuthEvent.Begin("slow")).AsTask();
        Assert.False(pending.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(pending.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => pending);

        Assert.Equal(AuthErrorCode.Timeout, ex.Code);
        Assert.True(slow.Exchanges.Single().Disposed);
    }

    [Fact]
    public async Task HandleAsync_AfterHandshakeTimeoutElapsed_FailsWithTimeout()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")), o => o.HandshakeTimeout = TimeSpan.FromSeconds(10));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("p"));
        host.Time.Advance(TimeSpan.FromSeconds(11));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Continue(default)).AsTask());
        Assert.Equal(AuthErrorCode.Timeout, ex.Code);
    }

    [Fact]
    public async Task RunAsync_ServerNeverAnswers_FailsWithTimeout()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")), o => o.RoundTimeout = TimeSpan.FromSeconds(3));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);
        using var connection = InMemoryAuthConnection.Create();

        var run = negotiator.RunAsync(connection.Client);
        await connection.Server.SendAsync(AuthEvent.Begin("p"), CancellationToken.None);
        await connection.Server.ReceiveAsync(CancellationToken.None);

        // The client arms its wait for the next event on its own schedule: step the fake clock until it gives up (bounded).
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => run);

        Assert.Equal(AuthErrorCode.Timeout, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_CancelledWhilePluginWaits_ThrowsOperationCanceledAndFails()
    {
        var waiting = new RecordingPlugin("waits")
        {
            Respond = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return AuthReply.None;
            },
        };
        await using var host = new TestHost(b => b.AddPlugin(waiting));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);
        using var cts = new CancellationTokenSource();

        var pending = negotiator.HandleAsync(AuthEvent.Begin("waits"), cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(AuthNegotiatorState.Failed, negotiator.State);
        Assert.True(waiting.Exchanges.Single().Disposed);
    }

    [Fact]
    public async Task HandleAsync_AlreadyCancelledToken_ThrowsBeforeCallingPlugin()
    {
        var plugin = new RecordingPlugin("p");
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => negotiator.HandleAsync(AuthEvent.Begin("p"), new CancellationToken(canceled: true)).AsTask());
        Assert.Empty(plugin.Exchanges);
    }

    [Fact]
    public async Task HandleAsync_PluginThrowsSynchronously_BecomesFatalPluginFailure()
    {
        var boom = new RecordingPlugin("boom") { Respond = (_, _, _) => throw new InvalidDataException("secret-value-in-message") };
        await using var host = new TestHost(b => b.AddPlugin(boom));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("boom")).AsTask());

        Assert.Equal(AuthErrorCode.PluginFailure, ex.Code);
        Assert.True(ex.IsFatal);
        Assert.Equal("boom", ex.PluginName);
        // The cause is named by type, with its stack, but its message is not kept (a plugin's message may echo a secret).
        var cause = Assert.IsType<RedactedException>(ex.InnerException);
        Assert.Equal(typeof(InvalidDataException).FullName, cause.OriginalTypeName);
        Assert.DoesNotContain("secret-value-in-message", cause.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-in-message", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-in-message", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_PluginFaultsAsynchronously_BecomesFatalPluginFailure()
    {
        var boom = new RecordingPlugin("boom")
        {
            Respond = async (_, _, _) =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async fault");
            },
        };
        await using var host = new TestHost(b => b.AddPlugin(boom));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("boom")).AsTask());

        Assert.Equal(AuthErrorCode.PluginFailure, ex.Code);
        Assert.Equal(1, ex.FactorIndex);
    }

    [Fact]
    public async Task HandleAsync_PluginStartThrows_BecomesFatalPluginFailure()
    {
        await using var host = new TestHost(b => b.AddPlugin("bad-start", _ => throw new FormatException()));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("bad-start")).AsTask());
        Assert.Equal(AuthErrorCode.PluginFailure, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_SucceededBeforePluginHasItsProof_PluginRefusesTheOk()
    {
        var mutual = new RecordingPlugin("mutual")
        {
            Accepted = data =>
            {
                if (data.IsEmpty)
                {
                    throw new HandshakeException(AuthErrorCode.ServerSignatureMissing, "server signature is missing");
                }
            },
        };
        await using var host = new TestHost(b => b.AddPlugin(mutual));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("mutual"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Succeeded()).AsTask());

        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
        Assert.Equal("mutual", ex.PluginName);
        Assert.Null(negotiator.Result);
        Assert.Equal(AuthNegotiatorState.Failed, negotiator.State);
    }

    [Fact]
    public async Task HandleAsync_SucceededWithoutAnyExchange_IsRefusedUnlessAllowed()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")));
        using var creds = ThreeSecrets();
        using var strict = host.Negotiator(creds);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => strict.HandleAsync(AuthEvent.Succeeded()).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);

        await using var lenientHost = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")), o => o.AllowUnauthenticatedSuccess = true);
        using var lenient = lenientHost.Negotiator(creds);
        var done = await lenient.HandleAsync(AuthEvent.Succeeded());
        Assert.Equal(0, done.Result!.AssuranceLevel);
    }

    [Fact]
    public async Task HandleAsync_ServerFailed_RaisesServerRejectedWithItsCodeAndMessage()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("p"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Failed("28P01", "password authentication failed for user \"alice\"\u0007")).AsTask());

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("28P01", ex.ServerErrorCode);
        Assert.Contains("password authentication failed for user \"alice\"?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_DeniedPlugin_IsPolicyViolation()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("mysql_clear_password")), o => o.DeniedPlugins.Add("mysql_clear_password"));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("mysql_clear_password")).AsTask());
        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_PluginOutsideAllowList_IsPolicyViolation()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("a")).AddPlugin(new RecordingPlugin("b")), o => o.AllowedPlugins.Add("a"));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("a"));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Switch("b")).AsTask());
        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\tname")]
    [InlineData("ünïcode")]
    public async Task HandleAsync_MalformedPluginName_IsProtocolViolation(string name)
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(name)).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_ContinueBeforeBegin_IsProtocolViolation()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Continue(default)).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_AfterCompletion_ThrowsInvalidOperation()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("p")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);
        await negotiator.HandleAsync(AuthEvent.Begin("p"));
        await negotiator.HandleAsync(AuthEvent.Succeeded());

        await Assert.ThrowsAsync<InvalidOperationException>(() => negotiator.HandleAsync(AuthEvent.Continue(default)).AsTask());
    }

    [Fact]
    public async Task HandleAsync_Offer_ChoosesHighestPreferenceThenServerOrder()
    {
        var plain = new RecordingPlugin("MECH") { Preference = 1 };
        var plus = new RecordingPlugin("MECH-PLUS") { Preference = 5 };
        var other = new RecordingPlugin("OTHER") { Preference = 5 };
        await using var host = new TestHost(b => b.AddPlugin(plain).AddPlugin(plus).AddPlugin(other));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var action = await negotiator.HandleAsync(AuthEvent.Offer(["UNKNOWN", "MECH", "MECH-PLUS", "OTHER"]));

        Assert.Equal("MECH-PLUS", action.PluginName);
        Assert.Equal(["UNKNOWN", "MECH", "MECH-PLUS", "OTHER"], plus.Exchanges.Single().Context.OfferedMechanisms);
    }

    [Fact]
    public async Task HandleAsync_OfferWithIneligibleOnly_IsNoMutualMechanism()
    {
        var unusable = new RecordingPlugin("MECH-PLUS") { Preference = -1 };
        await using var host = new TestHost(b => b.AddPlugin(unusable));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Offer(["MECH-PLUS", "GSSAPI"])).AsTask());
        Assert.Equal(AuthErrorCode.NoMutualMechanism, ex.Code);
        Assert.Contains("MECH-PLUS, GSSAPI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OfferWithConfiguredPreference_FollowsTheClientRanking()
    {
        await using var host = new TestHost(
            b => b.AddPlugin(new RecordingPlugin("A") { Preference = 9 }).AddPlugin(new RecordingPlugin("B")),
            o => o.MechanismPreference.Add("B"));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var action = await negotiator.HandleAsync(AuthEvent.Offer(["A", "B"]));
        Assert.Equal("B", action.PluginName);
    }

    [Fact]
    public async Task HandleAsync_OfferTooLong_IsProtocolViolation()
    {
        await using var host = new TestHost(b => b.AddPlugin(new RecordingPlugin("A")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Offer([.. Enumerable.Range(0, 1000).Select(i => $"M{i}")])).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_PluginAnswersNone_DriverIsToldToWait()
    {
        var quiet = new RecordingPlugin("quiet") { Respond = (_, _, _) => ValueTask.FromResult(AuthReply.None) };
        await using var host = new TestHost(b => b.AddPlugin(quiet));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("quiet"));
        Assert.Equal(AuthActionKind.None, action.Kind);
    }

    [Fact]
    public async Task HandleAsync_NextFactorCarriesPreviousProof_PreviousPluginSeesIt()
    {
        ReadOnlyMemory<byte> seen = default;
        var first = new RecordingPlugin("first") { Accepted = d => seen = d.ToArray() };
        await using var host = new TestHost(b => b.AddPlugin(first).AddPlugin(new RecordingPlugin("second")));
        using var creds = ThreeSecrets();
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("first"));
        await negotiator.HandleAsync(AuthEvent.NextFactor("second", acceptedData: TestHost.Bytes("v=proof")));

        Assert.Equal("v=proof", TestHost.Text(seen));
    }

    [Fact]
    public async Task CreateWithProvider_FetchesCredentialsAtStartAndDisposesThem()
    {
        var provider = Substitute.For<IAuthCredentialProvider>();
        var creds = AuthCredentials.FromPasswords("alice", "pw1");
        provider.GetCredentialsAsync(Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(creds));
        var plugin = new RecordingPlugin("p");
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        var negotiator = ((IAuthNegotiatorFactory)host.Services.GetService(typeof(IAuthNegotiatorFactory))!).CreateWithProvider(provider);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("p"));
        negotiator.Dispose();

        Assert.Equal("p:pw1:1", TestHost.Text(action.Data));
        await provider.Received(1).GetCredentialsAsync(Arg.Any<CancellationToken>());
        Assert.Throws<ObjectDisposedException>(() => creds.GetSecret(1)!.Bytes.Length);
    }

    private sealed class DelegateStrictPlugin : IAuthPlugin
    {
        public string Name => "needs-secret-2";

        public AuthSecretUse SecretUse => AuthSecretUse.Derived;

        public IAuthExchange Start(AuthExchangeContext context)
        {
            context.RequireSecret();
            throw new InvalidOperationException("unreachable: factor 2 has no secret");
        }
    }
}
