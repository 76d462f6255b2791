using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>An unknown user's made-up key list derives from the configured unknown-user key: the same on every instance.</summary>
public sealed class KeyAuthUnknownUserKeyTests
{
    private static readonly byte[] FleetKey = [.. Enumerable.Range(7, 32).Select(i => (byte)i)];

    [Fact]
    public async Task Process_UnknownUserSameKeyTwoContainers_SameMadeUpFingerprint()
    {
        var a = await ListForAsync(s => s.UnknownUserKey = FleetKey);
        var b = await ListForAsync(s => s.UnknownUserKey = FleetKey);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Process_UnknownUserDifferentKeys_DifferentMadeUpFingerprints()
    {
        var other = (byte[])FleetKey.Clone();
        other[5] ^= 1;
        Assert.NotEqual(await ListForAsync(s => s.UnknownUserKey = FleetKey), await ListForAsync(s => s.UnknownUserKey = other));
    }

    [Fact]
    public async Task AddKeyAuthVerifier_SharedStoreWithoutKey_FailsAtStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ListForAsync(s => s.RequireSharedSecrets = true));
        Assert.Contains(ServerSecrets.UnknownUserKeyName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ShortUnknownUserKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new KeyAuthVerifier("ssh-key-auth", new KeyAuthVerifierOptions(), null, new byte[8]));

    private static async Task<byte[]> ListForAsync(Action<ServerSecretOptions> secrets)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddKeyAuthVerifier(o => o.AdvertiseKeys = true);
        _ = services.Configure(secrets);
        await using var container = services.BuildServiceProvider();
        var verifier = container.GetServices<IAuthVerifier>().Single(v => v.Name == KeyAuthPluginNames.SshKeyAuth);
        using var server = verifier.Start(Direct.ServerContext(null, user: "ghost", random: new FixedRandom()));
        _ = await server.BeginAsync(default);
        return (await server.ProcessAsync(new byte[] { 0x01, 0x02 }, default)).Data.ToArray();
    }
}
