using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// What an unknown user is shown must not depend on which instance answers, or when: the fake salt
/// derives from the configured unknown-user key (two containers stand for two replicas or a restart).
/// </summary>
public sealed class ScramUnknownUserKeyTests
{
    private static readonly byte[] FleetKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public async Task Start_SameConfiguredKeyInTwoContainers_SameFakeSaltAndIterations()
    {
        var a = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost");
        var b = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost");
        Assert.Equal(Salt(a), Salt(b));
        Assert.Equal(Iterations(a), Iterations(b));
    }

    [Fact]
    public async Task Start_ConfiguredKey_SaltDerivesFromKeyAndName()
    {
        var first = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost");
        var expected = ServerSecrets.DeriveForUnknownUser(FleetKey, "SCRAM-SHA-256 salt", "ghost").AsSpan(0, ScramCredential.DefaultSaltLength).ToArray();
        Assert.Equal(Convert.ToBase64String(expected), Salt(first));
    }

    [Fact]
    public async Task Start_DifferentConfiguredKeys_DifferentFakeSalts()
    {
        var other = (byte[])FleetKey.Clone();
        other[0] ^= 0xFF;
        var a = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost");
        var b = await ServerFirstAsync(s => s.UnknownUserKey = other, "ghost");
        Assert.NotEqual(Salt(a), Salt(b));
    }

    [Fact]
    public async Task Start_KeyFromFile_SameSaltAsKeyFromOption()
    {
        var path = Path.Combine(Path.GetTempPath(), $"handshake-uuk-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, Convert.ToBase64String(FleetKey) + "\n");
        try
        {
            var fromFile = await ServerFirstAsync(s => s.UnknownUserKeyFile = path, "ghost");
            var fromOption = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost");
            Assert.Equal(Salt(fromOption), Salt(fromFile));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Start_KeyFromSecretProvider_SameSaltAsKeyFromOption()
    {
        var provider = new DictionarySecretProvider(new Dictionary<string, byte[]> { [ServerSecrets.UnknownUserKeyName] = FleetKey });
        var fromProvider = await ServerFirstAsync(_ => { }, "ghost", provider);
        var fromOption = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost");
        Assert.Equal(Salt(fromOption), Salt(fromProvider));
    }

    [Fact]
    public async Task Start_SharedStoreWithoutKey_FailsWithActionableMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerFirstAsync(s => s.RequireSharedSecrets = true, "ghost"));
        Assert.Contains("unknown-user-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("UnknownUserKeyFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ShortKey_Fails()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerFirstAsync(s => s.UnknownUserKey = new byte[16], "ghost"));
        Assert.Contains("at least 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownUser_IterationsAreTheConfiguredRealCount()
    {
        var real = ScramCredential.Create("pw", RandomNumberGenerator.GetBytes(16), 12_000);
        var first = await ServerFirstAsync(s => s.UnknownUserKey = FleetKey, "ghost", configureScram: o => o.UnknownUserIterations = real.Iterations);
        Assert.Equal(real.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), Iterations(first));
    }

    private static string Salt(string serverFirst) => serverFirst.Split(',')[1][2..];

    private static string Iterations(string serverFirst) => serverFirst.Split(',')[2][2..];

    private static async Task<string> ServerFirstAsync(Action<ServerSecretOptions> secrets, string user, IServerSecretProvider? provider = null, Action<ScramVerifierOptions>? configureScram = null)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScramVerifier(configureScram);
        _ = services.Configure(secrets);
        if (provider is not null)
        {
            _ = services.AddSingleton(provider);
        }

        await using var container = services.BuildServiceProvider();
        var verifier = container.GetServices<IAuthVerifier>().Single(v => v.Name == "SCRAM-SHA-256");
        using var exchange = verifier.Start(ServerContext(user, null));
        var step = await exchange.ProcessAsync(Ascii($"n,,n={user},r=abc"), CancellationToken.None);
        return Ascii(step.Data);
    }

    private sealed class DictionarySecretProvider(Dictionary<string, byte[]> secrets) : IServerSecretProvider
    {
        public byte[]? GetSecret(string name) => secrets.TryGetValue(name, out var s) ? s : null;
    }
}
