using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Tests;

/// <summary>The container's catalogue of plugins, verifiers and stored-credential formats.</summary>
public sealed class HandshakeCatalogTests
{
    [Fact]
    public async Task Catalog_Registrations_ListedByNameWithFormats()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddPlugin("b-plugin", _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty))
            .AddPlugin("a-plugin", _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty))
            .AddVerifier("echo", _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
            .AddCredentialFormat(new Format("echo", "first"))
            .AddCredentialFormat(new Format("echo", "second")); // the same verifier again: ignored
        await using var sp = services.BuildServiceProvider();

        var catalog = sp.GetRequiredService<IHandshakeCatalog>();

        Assert.Equal(["a-plugin", "b-plugin"], catalog.PluginNames);
        Assert.Equal("echo", Assert.Single(catalog.Verifiers).Name);
        Assert.Equal("first", Assert.Single(catalog.CredentialFormats).Description);
        Assert.Same(catalog.CredentialFormats[0], catalog.FindCredentialFormat("echo"));
        Assert.Null(catalog.FindCredentialFormat("other"));
        Assert.Throws<NotSupportedException>(() => catalog.CredentialFormats[0].FromPassword("pw"));
    }

    private sealed class Format(string verifier, string description) : IStoredCredentialFormat
    {
        public string VerifierName => verifier;

        public string Description => description;

        public bool IsValid(string stored) => stored.Length > 0;
    }
}
