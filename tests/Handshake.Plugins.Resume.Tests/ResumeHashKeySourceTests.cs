using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Resume.Tests;

/// <summary>The token hash key a fleet shares: from the option, a file, or a secret provider.</summary>
public sealed class ResumeHashKeySourceTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(40, 32).Select(i => (byte)i)];

    [Fact]
    public async Task AddResumeVerifier_HashKeyFile_LoadsTheKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"handshake-resume-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, Convert.ToBase64String(Key));
        try
        {
            Assert.Equal(Key, await HashKeyAsync(o => o.HashKeyFile = path, null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AddResumeVerifier_SecretProvider_LoadsTheKey() =>
        Assert.Equal(Key, await HashKeyAsync(_ => { }, new OneSecret()));

    [Fact]
    public async Task AddResumeVerifier_OptionSet_WinsOverProvider()
    {
        var direct = new byte[32];
        Assert.Equal(direct, await HashKeyAsync(o => o.HashKey = direct, new OneSecret()));
    }

    [Fact]
    public async Task AddResumeVerifier_NothingConfigured_NoKey() =>
        Assert.Null(await HashKeyAsync(_ => { }, null));

    private static async Task<byte[]?> HashKeyAsync(Action<ResumeServerOptions> configure, IServerSecretProvider? provider)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddResumeVerifier(configure);
        if (provider is not null)
        {
            _ = services.AddSingleton(provider);
        }

        await using var container = services.BuildServiceProvider();
        return container.GetRequiredService<IOptionsMonitor<ResumeServerOptions>>().Get(ResumePluginNames.Resume).HashKey?.ToArray();
    }

    private sealed class OneSecret : IServerSecretProvider
    {
        public byte[]? GetSecret(string name) => name == ResumeServerOptions.HashKeySecretName ? Key : null;
    }
}
