namespace Handshake.Tests;

public sealed class PluginAdapterTests
{
    [Fact]
    public async Task AddPlugin_Delegate_FactoryOncePerExchangeHandlerOncePerRound()
    {
        var factoryCalls = 0;
        var rounds = new List<string>();
        await using var host = new TestHost(b => b.AddPlugin("ssh-key-auth", ctx =>
        {
            factoryCalls++;
            var user = ctx.UserName;
            return async (data, ct) =>
            {
                await Task.Yield();
                rounds.Add(TestHost.Text(data));
                return TestHost.Bytes($"{user}:{TestHost.Text(data)}");
            };
        }));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);

        var first = await negotiator.HandleAsync(AuthEvent.Begin("ssh-key-auth", TestHost.Bytes("c1")));
        var second = await negotiator.HandleAsync(AuthEvent.Continue(TestHost.Bytes("c2")));

        Assert.Equal(1, factoryCalls);
        Assert.Equal(["c1", "c2"], rounds);
        Assert.Equal("alice:c1", TestHost.Text(first.Data));
        Assert.Equal("alice:c2", TestHost.Text(second.Data));
    }

#pragma warning disable CS0618 // The legacy adapter is obsolete on purpose; these tests keep it working.
    [Fact]
    public async Task AddLegacyAuthSwitchHandler_FirstCallGetsPluginNameLaterCallsDataOnly()
    {
        var calls = new List<LegacyAuthSwitchRequest>();
        await using var host = new TestHost(b => b.AddLegacyAuthSwitchHandler((request, _) =>
        {
            calls.Add(request with { PluginData = request.PluginData.ToArray() });
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(TestHost.Bytes($"reply-{calls.Count}"));
        }));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);

        await negotiator.HandleAsync(AuthEvent.Begin("legacy_plugin", TestHost.Bytes("d1")));
        var reply = await negotiator.HandleAsync(AuthEvent.Continue(TestHost.Bytes("d2")));

        Assert.Equal("legacy_plugin", calls[0].PluginName);
        Assert.Equal("d1", TestHost.Text(calls[0].PluginData));
        Assert.Null(calls[1].PluginName);
        Assert.Equal("d2", TestHost.Text(calls[1].PluginData));
        Assert.Equal("reply-2", TestHost.Text(reply.Data));
    }

    [Fact]
    public async Task AddLegacyAuthSwitchHandler_NeverShadowsARegisteredPlugin()
    {
        var legacyCalls = 0;
        await using var host = new TestHost(b => b
            .AddPlugin(new RecordingPlugin("known"))
            .AddLegacyAuthSwitchHandler((_, _) =>
            {
                legacyCalls++;
                return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
            }));
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(creds);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("known"));
        Assert.Equal("known:pw:1", TestHost.Text(action.Data));
        Assert.Equal(0, legacyCalls);

        await negotiator.HandleAsync(AuthEvent.Switch("other"));
        Assert.Equal(1, legacyCalls);
    }
#pragma warning restore CS0618
}
