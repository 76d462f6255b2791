using System.Text;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task RunAsync_EchoPluginAgainstAcceptor_Succeeds()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddPlugin("echo", ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddVerifier("echo", ctx => async (data, ct) =>
            {
                var stored = await ctx.GetStoredCredentialAsync(ct);
                return stored is not null && Encoding.UTF8.GetString(data.Span) == stored.Value ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential);
            })
            .AddAcceptor(o => o.DefaultPlugin = "echo")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("echo", StoredCredential.FromString("pw"))));
        await using var sp = services.BuildServiceProvider();
        using var creds = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(creds);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create();
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
    }
}
