using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>The README's quickstart, verbatim apart from the assertions, so the front page cannot rot.</summary>
public sealed class ReadmeQuickstartTests
{
    [Fact]
    public async Task Quickstart_AsWrittenInReadme_AuthenticatesAlice()
    {
        var services = new ServiceCollection();
        services.AddHandshake(o => o.MaxRounds = 16)
            .AddScram()
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(users => users.AddUser("alice",
                new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create("wonderland", SystemRandomSource.Instance, 4096).ToStoredCredential())));
        await using var sp = services.BuildServiceProvider();

        using var credentials = AuthCredentials.FromPasswords("alice", "wonderland");
        using var client = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var server = sp.GetRequiredService<IAuthAcceptorFactory>().Create();
        var result = await InMemoryHandshake.RunAsync(client, server);

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.StartsWith("user alice, AAL1, 2 rounds", result.ClientResult!.ToString(), StringComparison.Ordinal);
        Assert.Equal("SCRAM-SHA-256", result.ClientResult.Factors.Single().PluginName);
    }
}
