
namespace Handshake.Tests;

/// <summary>The "one call at a time" promise under a real race, and Dispose while a plugin still awaits.</summary>
public sealed class ConcurrentUseTests
{
    private const int Trials = 3000;

    [Fact]
    public async Task HandleAsync_TwoThreadsBeginAtOnce_ExactlyOneStartsAnExchangeTheOtherGetsInvalidOperation()
    {
        // The plugin yields, so the first call is still in progress when the second arrives.
        var plugin = new RecordingPlugin("race")
        {
            Respond = async (_, _, _) =>
            {
                await Task.Yield();
                return AuthReply.Send(TestHost.Bytes("answer"));
            },
        };
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        var doubleStarts = 0;
        var wrongOutcomes = new List<string>();
        for (var trial = 0; trial < Trials; trial++)
        {
            using var negotiator = host.Negotiator(creds);
            using var barrier = new Barrier(2);
            var before = plugin.Exchanges.Count;
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                barrier.SignalAndWait();
                try
                {
                    var action = await negotiator.HandleAsync(AuthEvent.Begin("race"));
                    return action.Kind.ToString();
                }
                catch (InvalidOperationException)
                {
                    return "busy";
                }
                catch (HandshakeException ex)
                {
                    return ex.Code.ToString();
                }
            })));

            if (plugin.Exchanges.Count - before != 1)
            {
                doubleStarts++;
            }

            // One call sends; the other either found the first still running (busy) or, having lost the
            // race entirely, arrived after it and was a second Begin (ProtocolViolation). Never two sends.
            Array.Sort(outcomes, StringComparer.Ordinal);
            if (outcomes is not ["Send", "busy"] and not ["ProtocolViolation", "Send"])
            {
                wrongOutcomes.Add(string.Join("+", outcomes));
            }
        }

        Assert.Equal(0, doubleStarts);
        Assert.Empty(wrongOutcomes);
    }

    [Fact]
    public async Task AcceptorHandleAsync_TwoThreadsAtOnce_ExactlyOneRunsTheVerifier()
    {
        var calls = 0;
        using var release = new ManualResetEventSlim();
        await using var host = new TestHost(b => b
            .AddVerifier("slow", _ => async (_, ct) =>
            {
                Interlocked.Increment(ref calls);
                await Task.Yield();
                release.Wait(TimeSpan.FromSeconds(5), ct);
                return VerifierStep.Accept();
            })
            .AddAcceptor(o => o.DefaultPlugin = "slow")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("slow", StoredCredential.FromString("x")))));
        using var acceptor = host.Acceptor();
        await acceptor.StartAsync();

        var first = Task.Run(() => acceptor.HandleAsync(new AuthClientMessage("slow", TestHost.Bytes("a"), "alice")).AsTask());
        SpinWait.SpinUntil(() => Volatile.Read(ref calls) == 1, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<InvalidOperationException>(() => acceptor.HandleAsync(new AuthClientMessage(null, TestHost.Bytes("b"))).AsTask());
        release.Set();

        var reply = await first;
        Assert.Equal(AuthEventKind.Succeeded, reply.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Dispose_WhilePluginAwaitsAPrompt_CancelsThePluginThenDisposesItsExchange()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        RecordingPlugin.Exchange? seen = null;
        var disposedBeforePluginReturned = false;
        var plugin = new RecordingPlugin("prompt");
        plugin.Respond = async (_, _, ct) =>
        {
            seen = plugin.Exchanges.Single();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);   // a person who never answers
            }
            catch (OperationCanceledException)
            {
                disposedBeforePluginReturned = seen.Disposed;
                cancelled.TrySetResult(true);
                throw;
            }

            return AuthReply.None;
        };
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        var negotiator = host.Negotiator(creds);

        var pending = negotiator.HandleAsync(AuthEvent.Begin("prompt")).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        negotiator.Dispose();

        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5)), "the plugin's token was never cancelled");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.False(disposedBeforePluginReturned);   // cancel first, wipe after the plugin let go
        Assert.True(seen!.Disposed);                  // and wiped it is
        Assert.Equal(AuthNegotiatorState.Failed, negotiator.State);
    }

    [Fact]
    public async Task Dispose_Idle_DisposesExchangeAtOnce()
    {
        var plugin = new RecordingPlugin("idle");
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        var negotiator = host.Negotiator(creds);
        await negotiator.HandleAsync(AuthEvent.Begin("idle"));

        negotiator.Dispose();

        Assert.True(plugin.Exchanges.Single().Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => negotiator.HandleAsync(AuthEvent.Continue(default)).AsTask());
    }
}
