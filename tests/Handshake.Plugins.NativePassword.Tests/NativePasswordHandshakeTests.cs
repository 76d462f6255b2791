using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>Our client against our verifier over the in-memory transport, MySQL style (the server opens before it knows the user).</summary>
public sealed class NativePasswordHandshakeTests
{
    [Theory]
    [InlineData("secret")]
    [InlineData("notagoodpwd")]
    [InlineData("pässwörd ✓")]
    public async Task RunAsync_CorrectPassword_Succeeds(string password)
    {
        var result = await RunAsync(store => store.AddUser("alice", Policy(password)), "alice", password);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(NativePasswordPluginNames.MySqlNativePassword, Assert.Single(result.ServerResult!.Factors).PluginName);
    }

    [Fact]
    public async Task RunAsync_WrongPassword_FailsWithInvalidCredential()
    {
        var result = await RunAsync(store => store.AddUser("alice", Policy("secret")), "alice", "Secret");
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError!.Code);
    }

    [Fact]
    public async Task RunAsync_EmptyPasswordAccountAndEmptyPassword_Succeeds()
    {
        var result = await RunAsync(store => store.AddUser("alice", Policy(string.Empty)), "alice", string.Empty);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
    }

    [Fact]
    public async Task RunAsync_EmptyPasswordAgainstAccountWithPassword_Fails()
    {
        var result = await RunAsync(store => store.AddUser("alice", Policy("secret")), "alice", string.Empty);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_PasswordAgainstEmptyPasswordAccount_Fails()
    {
        var result = await RunAsync(store => store.AddUser("alice", Policy(string.Empty)), "alice", "secret");
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_UnknownUser_FailsExactlyLikeWrongPassword()
    {
        var wrong = await RunAsync(store => store.AddUser("alice", Policy("secret")), "alice", "guess");
        var unknown = await RunAsync(store => store.AddUser("bob", Policy("secret")), "alice", "guess");
        Assert.False(unknown.Succeeded);
        Assert.Equal(wrong.ServerFailureReason, unknown.ServerFailureReason);
        Assert.Equal(wrong.ClientError!.Code, unknown.ClientError!.Code);
        Assert.Equal(wrong.ClientError.Message, unknown.ClientError.Message);
        Assert.Equal(wrong.ClientError.ServerErrorCode, unknown.ClientError.ServerErrorCode);
    }

    [Fact]
    public async Task RunAsync_MalformedStoredCredential_FailsWithInvalidStoredCredential()
    {
        var result = await RunAsync(store => store.AddUser("alice", new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, StoredCredential.FromString("*NOTHEX"))), "alice", "secret");
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, result.ServerFailureReason);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError!.Code);
    }

    [Fact]
    public async Task RunAsync_NativePasswordAsSecondFactor_IsRefusedByPolicy()
    {
        // MySQL's multi-factor rules: a server-stored password method may only be factor 1.
        var services = new ServiceCollection();
        services.AddHandshake()
            // A stand-in first factor: its echo plays a password proof, so it is declared Derived to run on any transport.
            .AddPlugin("echo", AuthSecretUse.Derived, ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddVerifier("echo", ctx => async (data, ct) => (await ctx.GetStoredCredentialAsync(ct))?.Value == System.Text.Encoding.UTF8.GetString(data.Span) ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential))
            .AddNativePassword()
            .AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "echo")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("echo", StoredCredential.FromString("secret")), Policy("other")));
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret", "other");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None);
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ServerFailureReason);
    }

    [Fact]
    public async Task AddNativePassword_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddNativePassword().AddNativePassword().AddNativePasswordVerifier().AddNativePasswordVerifier();
        await using var sp = services.BuildServiceProvider();
        Assert.Single(sp.GetServices<IAuthPlugin>());
        Assert.Single(sp.GetServices<IAuthVerifier>());
    }

    private static AuthFactorPolicy Policy(string password) =>
        new(NativePasswordPluginNames.MySqlNativePassword, NativePasswordCredential.FromPassword(password).ToStoredCredential());

    private static async Task<InMemoryHandshakeResult> RunAsync(Action<InMemoryCredentialStore> users, string userName, string password)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddNativePassword()
            .AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .AddInMemoryCredentialStore(users);
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords(userName, password);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor);
    }
}
