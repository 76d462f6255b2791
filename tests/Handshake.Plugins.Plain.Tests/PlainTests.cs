using System.Text;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.Plain.Tests;

public sealed class PlainTests
{
    private static readonly StoredCredential Stored = ScramCredential.Create("pw", SystemRandomSource.Instance, 4096).ToStoredCredential();

    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    [Fact]
    public async Task Client_PlainTransport_RefusedByTheCleartextGateBeforeSending()
    {
        await using var provider = Create();
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([PlainPluginNames.Plain])));

        Assert.Equal(AuthErrorCode.PolicyViolation, error.Code);
    }

    [Fact]
    public async Task Client_VerifiedTls_SendsNulUserNulPassword()
    {
        await using var provider = Create();
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var action = await negotiator.HandleAsync(AuthEvent.Offer([PlainPluginNames.Plain]));

        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal("\0alice\0pw"u8.ToArray(), action.Data.ToArray());
    }

    [Fact]
    public async Task Client_OfferWithScram_PrefersScram()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddPlain().AddScram();
        await using var provider = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var action = await negotiator.HandleAsync(AuthEvent.Offer([PlainPluginNames.Plain, "SCRAM-SHA-256"]));

        Assert.Equal("SCRAM-SHA-256", action.PluginName);
    }

    [Theory]
    [InlineData("\0alice\0pw", true)]
    [InlineData("alice\0alice\0pw", true)]
    [InlineData("\0alice\0wrong", false)]
    [InlineData("\0nobody\0pw", false)]
    public async Task Verifier_OfferBeforeUser_NamesTheUserFromTheAuthcid(string message, bool accepted)
    {
        await using var provider = Create();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        var offer = await acceptor.StartAsync();
        Assert.Contains(PlainPluginNames.Plain, offer.Mechanisms!);

        var reply = await acceptor.HandleAsync(new AuthClientMessage(PlainPluginNames.Plain, Encoding.UTF8.GetBytes(message)));

        Assert.Equal(accepted ? AuthEventKind.Succeeded : AuthEventKind.Failed, reply.Kind);
        Assert.Equal(accepted ? AuthErrorCode.Unspecified : AuthErrorCode.InvalidCredential, acceptor.FailureReason);
    }

    [Theory]
    [InlineData("mallory\0alice\0pw", AuthErrorCode.PolicyViolation)]
    [InlineData("alice\0pw", AuthErrorCode.ProtocolViolation)]
    [InlineData("\0\0pw", AuthErrorCode.ProtocolViolation)]
    [InlineData("\0alice\0", AuthErrorCode.ProtocolViolation)]
    [InlineData("\0alice\0pw\0x", AuthErrorCode.ProtocolViolation)]
    public async Task Verifier_MalformedOrProxyMessage_IsRejectedTyped(string message, AuthErrorCode reason)
    {
        await using var provider = Create();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(PlainPluginNames.Plain, Encoding.UTF8.GetBytes(message)));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(reason, acceptor.FailureReason);
    }

    [Fact]
    public async Task Verifier_PlainTransport_IsNotOffered()
    {
        await using var provider = Create();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Offer);

        Assert.DoesNotContain(PlainPluginNames.Plain, acceptor.GetOfferedMechanisms());
    }

    [Fact]
    public async Task Verifier_FieldLongerThan255Octets_IsAProtocolViolation()
    {
        await using var provider = Create();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(PlainPluginNames.Plain, Encoding.UTF8.GetBytes("\0alice\0" + new string('p', 256))));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public void Validation_CredentialFamilyWithoutChecker_FailsAtStart()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddPlainVerifier(o => o.CredentialFamily = "NOPE").AddAcceptor(o => o.DefaultPlugin = PlainPluginNames.Plain).AddInMemoryCredentialStore();
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<PlainVerifierOptions>>().Get(PlainPluginNames.Plain));
        Assert.Contains("NOPE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PlainClientAgainstOfferBeforeUser_SucceedsOverVerifiedTls()
    {
        await using var provider = Create();
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        using var connection = InMemoryAuthConnection.Create(VerifiedTls);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection);

        Assert.True(result.Succeeded, result.ServerFailureReason.ToString());
        Assert.Equal(PlainPluginNames.Plain, result.ServerResult!.Factors[0].PluginName);
    }

    private static ServiceProvider Create()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddPlain().AddScramVerifier().AddPlainVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "SCRAM-SHA-256";
                o.OfferedPlugins.Add("SCRAM-SHA-256");
                o.OfferedPlugins.Add(PlainPluginNames.Plain);
            })
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("SCRAM-SHA-256", Stored)));
        return services.BuildServiceProvider();
    }
}
