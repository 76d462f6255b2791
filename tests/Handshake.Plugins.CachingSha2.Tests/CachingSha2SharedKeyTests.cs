using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>The RSA key pair a fleet shares: from an option, a PEM file or a secret provider; never generated silently when a shared store is registered.</summary>
public sealed class CachingSha2SharedKeyTests
{
    [Fact]
    public async Task Constructor_KeyFromFileInTwoContainers_SamePublicKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"handshake-rsa-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, TestKeys.ServerPrivatePem);
        try
        {
            var a = await VerifierAsync(o => o.PrivateKeyPemFile = path);
            var b = await VerifierAsync(o => o.PrivateKeyPemFile = path);
            Assert.False(a.IsKeyGenerated);
            Assert.Equal(a.PublicKeyPem, b.PublicKeyPem);
            Assert.Equal(TestKeys.ServerPublicPem.Trim(), a.PublicKeyPem.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Constructor_KeyFromSecretProvider_UsesIt()
    {
        var provider = new OneSecret(CachingSha2VerifierOptions.PrivateKeySecretName, System.Text.Encoding.ASCII.GetBytes(TestKeys.ServerPrivatePem));
        var verifier = await VerifierAsync(_ => { }, provider);
        Assert.Equal(TestKeys.ServerPublicPem.Trim(), verifier.PublicKeyPem.Trim());
    }

    [Fact]
    public async Task Constructor_NoKeyAndSharedStore_FailsWithActionableMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VerifierAsync(_ => { }, secrets: s =>
        {
            s.RequireSharedSecrets = true;
            s.UnknownUserKey = new byte[32];
        }));
        Assert.Contains(CachingSha2VerifierOptions.PrivateKeySecretName, error.Message, StringComparison.Ordinal);
        Assert.Contains("PrivateKeyPemFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_NoKeyNoSharedStore_GeneratesOne()
    {
        var verifier = await VerifierAsync(_ => { });
        Assert.True(verifier.IsKeyGenerated);
    }

    private static async Task<CachingSha2Verifier> VerifierAsync(Action<CachingSha2VerifierOptions> configure, IServerSecretProvider? provider = null, Action<ServerSecretOptions>? secrets = null)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddCachingSha2Verifier(o =>
        {
            o.UnknownUserIterations = CachingSha2Credential.MinIterations;
            configure(o);
        });
        if (secrets is not null)
        {
            _ = services.Configure(secrets);
        }

        if (provider is not null)
        {
            _ = services.AddSingleton(provider);
        }

        await using var container = services.BuildServiceProvider();
        return container.GetServices<IAuthVerifier>().OfType<CachingSha2Verifier>().Single();
    }

    private sealed class OneSecret(string name, byte[] value) : IServerSecretProvider
    {
        public byte[]? GetSecret(string name1) => name1 == name ? value : null;
    }
}
