using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Tests;

/// <summary>
/// Offer mode before anyone is named (IMAP, SMTP): the acceptor offers AcceptorOptions.OfferedPlugins, the
/// chosen verifier names the user from its first message, and the acceptor then loads that user's policy.
/// The test mechanism "NAMED" sends "user NUL secret", like SASL PLAIN; the verifier, not the adapter, reads it.
/// </summary>
public sealed class OfferBeforeUserTests
{
    private const string Named = "NAMED";
    private const string Other = "OTHER";

    [Fact]
    public async Task StartAsync_OfferModeWithoutUser_OffersTheOfferedPluginsInOrder()
    {
        await using var host = CreateHost();
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);

        var peek = acceptor.GetOfferedMechanisms();
        var offer = await acceptor.StartAsync();

        Assert.Equal(AuthEventKind.Offer, offer.Kind);
        Assert.Equal([Other, Named], offer.Mechanisms);
        Assert.Equal(offer.Mechanisms, peek);
        Assert.Null(acceptor.UserName);
    }

    [Fact]
    public async Task HandleAsync_VerifierNamesKnownUser_AcceptsThatUser()
    {
        await using var host = CreateHost();
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(Named, Message("alice", "pw")));

        Assert.Equal(AuthEventKind.Succeeded, reply.Kind);
        Assert.Equal("alice", acceptor.Result!.UserName);
        Assert.Equal(Named, acceptor.Result.Factors[0].PluginName);
    }

    [Fact]
    public async Task HandleAsync_UnknownUser_FailsExactlyLikeAWrongPassword()
    {
        await using var host = CreateHost();
        using var wrong = host.Acceptor(mode: AcceptorStartMode.Offer);
        _ = await wrong.StartAsync();
        var wrongReply = await wrong.HandleAsync(new AuthClientMessage(Named, Message("bob", "nope")));
        using var unknown = host.Acceptor(mode: AcceptorStartMode.Offer);
        _ = await unknown.StartAsync();
        var unknownReply = await unknown.HandleAsync(new AuthClientMessage(Named, Message("bob", "pw")));

        // bob does not exist; the failure is the same kind, same reason, same text shape.
        Assert.Equal(AuthEventKind.Failed, unknownReply.Kind);
        Assert.Equal(wrongReply.Kind, unknownReply.Kind);
        Assert.Equal(wrongReply.ErrorCode, unknownReply.ErrorCode);
        Assert.Equal(wrongReply.Message, unknownReply.Message);
        Assert.Equal(AuthErrorCode.InvalidCredential, unknownReply.Kind == AuthEventKind.Failed ? unknown.FailureReason : AuthErrorCode.Unspecified);
        Assert.Equal(wrong.FailureReason, unknown.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_VerifierNeverNamesTheUser_IsRejected()
    {
        await using var host = CreateHost();
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        // "OTHER" accepts without naming anyone: the acceptor's defence refuses an accept with no user.
        var reply = await acceptor.HandleAsync(new AuthClientMessage(Other, Bytes("x")));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_UserKnownAtStartAndMechanismNamesAnother_IsAProtocolViolation()
    {
        await using var host = CreateHost();
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync("alice");

        var reply = await acceptor.HandleAsync(new AuthClientMessage(Named, Message("mallory", "pw")));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task HandleAsync_MechanismNotOffered_IsAProtocolViolation()
    {
        await using var host = CreateHost();
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage("UNOFFERED", Message("alice", "pw")));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
    }

    [Fact]
    public async Task RunAsync_NegotiatorAgainstOfferBeforeUser_Succeeds()
    {
        await using var host = CreateHost();
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var negotiator = host.Negotiator(credentials);
        using var acceptor = host.Acceptor(mode: AcceptorStartMode.Offer);
        using var connection = InMemoryAuthConnection.Create(TransportSecurity.None);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection);

        Assert.True(result.Succeeded, result.ServerFailureReason.ToString());
        Assert.Equal("alice", result.ServerResult!.UserName);
    }

    [Fact]
    public void Validation_OfferedPluginNotRegistered_FailsAtStart()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddVerifier(Named, _ => (_, _) => ValueTask.FromResult(VerifierStep.Reject(AuthErrorCode.InvalidCredential)))
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = Named;
                o.OfferedPlugins.Add("MISSING");
            })
            .AddInMemoryCredentialStore();
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IAuthAcceptorFactory>().Create());
        Assert.Contains("OfferedPlugins names 'MISSING'", error.Message, StringComparison.Ordinal);
    }

    // NAMED sends its secret as SASL PLAIN does: declared as cleartext, and the in-memory tests opt in.
    private static TestHost CreateHost() => new(b => b
        .AddPlugin(Named, AuthSecretUse.Cleartext, context => (_, _) =>
        {
            var secret = context.RequireSecret();
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(Message(context.UserName, Encoding.UTF8.GetString(secret.Bytes)));
        })
        .AddVerifier(Named, context => async (data, ct) =>
        {
            var text = Encoding.UTF8.GetString(data.Span);
            var split = text.IndexOf('\0', StringComparison.Ordinal);
            if (split <= 0)
            {
                return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "no user");
            }

            await context.IdentifyUserAsync(text[..split], ct);
            var stored = await context.GetStoredCredentialAsync(ct);
            var expected = Encoding.UTF8.GetBytes(stored?.Value ?? "\u0001unknown");
            var given = Encoding.UTF8.GetBytes(text[(split + 1)..]);
            return expected.Length == given.Length && CryptographicOperations.FixedTimeEquals(expected, given) && stored is not null
                ? VerifierStep.Accept()
                : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "wrong secret");
        })
        .AddVerifier(Other, _ => (_, _) => ValueTask.FromResult(VerifierStep.Accept()))
        .AddAcceptor(o =>
        {
            o.DefaultPlugin = Named;
            o.OfferedPlugins.Add(Other);
            o.OfferedPlugins.Add(Named);
        })
        .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(Named, StoredCredential.FromString("pw")))),
        options: o => o.AllowCleartextWithoutVerifiedTls = true);

    private static byte[] Message(string user, string secret) => Encoding.UTF8.GetBytes(user + "\0" + secret);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
