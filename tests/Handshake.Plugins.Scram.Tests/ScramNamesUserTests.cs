using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// SCRAM's verifier names the user from n= when the protocol named nobody (IMAP, SMTP): the name is
/// unescaped (=2C, =3D, RFC 5802 §5.1) and SASLprep'd; a placeholder (empty, "*") names nobody; the
/// password checker lets PLAIN verify against the same credential.
/// </summary>
public sealed class ScramNamesUserTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("a,b=c")]
    public async Task RunAsync_OfferBeforeUser_ScramNamesTheUserFromN(string user)
    {
        await using var provider = Create(user);
        using var credentials = AuthCredentials.FromPasswords(user, "pencil");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Offer);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.True(result.Succeeded, $"{result.ServerFailureReason} {acceptor.FailureDetail}");
        Assert.Equal(user, result.ServerResult!.UserName);
    }

    [Fact]
    public async Task RunAsync_OfferBeforeUserAndWrongPassword_FailsAsInvalidCredential()
    {
        await using var provider = Create("alice");
        using var credentials = AuthCredentials.FromPasswords("alice", "wrong");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Offer);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
    }

    [Theory]
    [InlineData("n,,n=,r=abcdefghijklmnop")]
    [InlineData("n,,n=*,r=abcdefghijklmnop")]
    public async Task HandleAsync_PlaceholderNameAndNoUserKnown_IsAProtocolViolation(string clientFirst)
    {
        await using var provider = Create("alice");
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage("SCRAM-SHA-256", Encoding.ASCII.GetBytes(clientFirst)));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_UnknownUserNamedByN_GetsAFakeServerFirstLikeAKnownOne()
    {
        await using var provider = Create("alice");
        using var known = provider.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Offer);
        using var unknown = provider.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None, AcceptorStartMode.Offer);
        _ = await known.StartAsync();
        _ = await unknown.StartAsync();

        var knownReply = await known.HandleAsync(new AuthClientMessage("SCRAM-SHA-256", "n,,n=alice,r=abcdefghijklmnop"u8.ToArray()));
        var unknownReply = await unknown.HandleAsync(new AuthClientMessage("SCRAM-SHA-256", "n,,n=nobody,r=abcdefghijklmnop"u8.ToArray()));

        Assert.Equal(AuthEventKind.Continue, knownReply.Kind);
        Assert.Equal(AuthEventKind.Continue, unknownReply.Kind);
        Assert.Equal(knownReply.Data.Length, unknownReply.Data.Length);
        Assert.Equal("nobody", unknown.UserName);
    }

    [Theory]
    [InlineData("pencil", true)]
    [InlineData("pencil ", false)]
    [InlineData("", false)]
    public void PasswordChecker_ScramCredential_VerifiesThePlaintextPassword(string password, bool expected)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScramVerifier();
        using var provider = services.BuildServiceProvider();
        var checker = Assert.Single(provider.GetServices<IStoredPasswordChecker>());
        var credential = ScramCredential.Create("pencil", SystemRandomSource.Instance, 4096).ToStoredCredential();

        Assert.Equal("SCRAM-SHA-256", checker.CredentialFamily);
        Assert.Equal(expected, checker.Verify(credential, Encoding.UTF8.GetBytes(password)));
        Assert.False(checker.Verify(null, "pencil"u8));
    }

    private static ServiceProvider Create(string user)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddScram()
            .AddScramVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "SCRAM-SHA-256";
                o.OfferedPlugins.Add("SCRAM-SHA-256");
            })
            .AddInMemoryCredentialStore(s => s.AddUser(user, new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create("pencil", SystemRandomSource.Instance, 4096).ToStoredCredential())));
        return services.BuildServiceProvider();
    }
}
