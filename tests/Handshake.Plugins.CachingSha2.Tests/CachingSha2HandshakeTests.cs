using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>Our client against our verifier over the in-memory transport, MySQL style.</summary>
public sealed class CachingSha2HandshakeTests
{
    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };
    private static readonly TransportSecurity UnverifiedTls = new() { IsEncrypted = true, IsCertificateVerified = false };
    private static readonly TransportSecurity ServerTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    [Fact]
    public async Task RunAsync_CacheMissOverVerifiedTls_FullAuthThenSecondLoginHitsFastPath()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy("secret")));
        var first = await RunAsync(sp, "alice", "secret", VerifiedTls, ServerTls);
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal(2, first.ServerResult!.Factors[0].Rounds);
        Assert.Equal(1, sp.GetRequiredService<CachingSha2PasswordCache>().Count);

        var second = await RunAsync(sp, "alice", "secret", VerifiedTls, ServerTls);
        Assert.True(second.Succeeded, Describe(second));
        Assert.Equal(1, second.ServerResult!.Factors[0].Rounds);
    }

    [Fact]
    public async Task RunAsync_CacheMissOverPlainWithConfiguredKey_FullAuthOverRsaThenFastPath()
    {
        await using var sp = Services(o => o.ServerPublicKeyPem = TestKeys.ServerPublicPem, o => o.PrivateKeyPem = TestKeys.ServerPrivatePem, s => s.AddUser("alice", Policy("secret")));
        var first = await RunAsync(sp, "alice", "secret", TransportSecurity.None, TransportSecurity.None);
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal(2, first.ServerResult!.Factors[0].Rounds);

        var second = await RunAsync(sp, "alice", "secret", TransportSecurity.None, TransportSecurity.None);
        Assert.True(second.Succeeded, Describe(second));
        Assert.Equal(1, second.ServerResult!.Factors[0].Rounds);
    }

    [Fact]
    public async Task RunAsync_CacheMissOverPlainWithRetrievalAllowed_FetchesGeneratedKeyAndSucceeds()
    {
        await using var sp = Services(o => o.AllowPublicKeyRetrieval = true, o => o.PrivateKeyPem = null, s => s.AddUser("alice", Policy("secret")));
        var result = await RunAsync(sp, "alice", "secret", TransportSecurity.None, TransportSecurity.None);
        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(3, result.ServerResult!.Factors[0].Rounds);
        Assert.True(sp.GetServices<IAuthVerifier>().OfType<CachingSha2Verifier>().Single().IsKeyGenerated);
    }

    [Fact]
    public async Task RunAsync_CacheMissOverPlainWithoutRetrieval_ClientRefusesNamingAllowPublicKeyRetrieval()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy("secret")));
        var result = await RunAsync(sp, "alice", "secret", TransportSecurity.None, TransportSecurity.None);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ClientError!.Code);
        Assert.Contains("AllowPublicKeyRetrieval", result.ClientError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CacheMissOverUnverifiedTls_ClientRefusesCleartext()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy("secret")));
        var result = await RunAsync(sp, "alice", "secret", UnverifiedTls, ServerTls);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ClientError!.Code);
    }

    [Fact]
    public async Task RunAsync_WrongPasswordOverTls_FailsWithInvalidCredential()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy("secret")));
        var result = await RunAsync(sp, "alice", "Secret", VerifiedTls, ServerTls);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError!.Code);
        Assert.Equal(0, sp.GetRequiredService<CachingSha2PasswordCache>().Count);
    }

    [Fact]
    public async Task RunAsync_WrongPasswordWhileCached_FallsBackToFullAuthAndFails()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy("secret")));
        Assert.True((await RunAsync(sp, "alice", "secret", VerifiedTls, ServerTls)).Succeeded);
        var result = await RunAsync(sp, "alice", "guess", VerifiedTls, ServerTls);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_UnknownUser_FailsExactlyLikeWrongPassword()
    {
        await using var known = Services(users: s => s.AddUser("alice", Policy("secret")));
        await using var unknownStore = Services(users: s => s.AddUser("bob", Policy("secret")));
        var wrong = await RunAsync(known, "alice", "guess", VerifiedTls, ServerTls);
        var unknown = await RunAsync(unknownStore, "alice", "guess", VerifiedTls, ServerTls);
        Assert.False(unknown.Succeeded);
        Assert.Equal(wrong.ServerFailureReason, unknown.ServerFailureReason);
        Assert.Equal(wrong.ClientError!.Code, unknown.ClientError!.Code);
        Assert.Equal(wrong.ClientError.Message, unknown.ClientError.Message);
    }

    [Fact]
    public async Task RunAsync_EmptyPasswordAccountAndEmptyPassword_Succeeds()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy(string.Empty)));
        var result = await RunAsync(sp, "alice", string.Empty, TransportSecurity.None, TransportSecurity.None);
        Assert.True(result.Succeeded, Describe(result));
    }

    [Fact]
    public async Task RunAsync_EmptyPasswordAgainstAccountWithPassword_Fails()
    {
        await using var sp = Services(users: s => s.AddUser("alice", Policy("secret")));
        var result = await RunAsync(sp, "alice", string.Empty, VerifiedTls, ServerTls);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_MalformedStoredCredential_FailsWithInvalidStoredCredential()
    {
        await using var sp = Services(users: s => s.AddUser("alice", new AuthFactorPolicy(CachingSha2PluginNames.CachingSha2Password, StoredCredential.FromString("$A$005$notours"))));
        var result = await RunAsync(sp, "alice", "secret", VerifiedTls, ServerTls);
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_PasswordChangedAfterCaching_OldPasswordNoLongerPassesFastPath()
    {
        await using var sp = Services(o => o.ServerPublicKeyPem = TestKeys.ServerPublicPem, o => o.PrivateKeyPem = TestKeys.ServerPrivatePem, s => s.AddUser("alice", Policy("old")));
        Assert.True((await RunAsync(sp, "alice", "old", VerifiedTls, ServerTls)).Succeeded);
        var store = sp.GetRequiredService<InMemoryCredentialStore>();
        Assert.True(store.RemoveUser("alice"));
        store.AddUser("alice", Policy("new"));

        var old = await RunAsync(sp, "alice", "old", TransportSecurity.None, TransportSecurity.None);
        Assert.False(old.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, old.ServerFailureReason);
        var renewed = await RunAsync(sp, "alice", "new", TransportSecurity.None, TransportSecurity.None);
        Assert.True(renewed.Succeeded, Describe(renewed));
    }

    [Fact]
    public async Task RunAsync_CachingSha2AsSecondFactor_IsRefusedByPolicy()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            // A stand-in first factor: its echo plays a password proof, so it is declared Derived to run on any transport.
            .AddPlugin("echo", AuthSecretUse.Derived, ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddVerifier("echo", ctx => async (data, ct) => (await ctx.GetStoredCredentialAsync(ct))?.Value == System.Text.Encoding.UTF8.GetString(data.Span) ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential))
            .AddCachingSha2()
            .AddCachingSha2Verifier(o => o.PrivateKeyPem = TestKeys.ServerPrivatePem)
            .AddAcceptor(o => o.DefaultPlugin = "echo")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("echo", StoredCredential.FromString("one")), Policy("two")));
        await using var sp = services.BuildServiceProvider();
        var result = await RunAsync(sp, "alice", ["one", "two"], VerifiedTls, ServerTls);
        Assert.Equal(AuthErrorCode.PolicyViolation, result.ServerFailureReason);
    }

    [Theory]
    [InlineData("garbage", 10)]
    [InlineData("public", 10)]
    [InlineData("weak", 10)]
    [InlineData(null, 0)]
    public async Task Options_InvalidVerifierOptions_FailValidation(string? key, int capacity)
    {
        var pem = key switch
        {
            "public" => TestKeys.ServerPublicPem,
            "weak" => TestKeys.WeakPrivatePem,
            _ => key,
        };
        var services = new ServiceCollection();
        services.AddHandshake().AddCachingSha2Verifier(o =>
        {
            o.PrivateKeyPem = pem;
            o.CacheCapacity = capacity;
        });
        await using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<CachingSha2VerifierOptions>>().Get(CachingSha2PluginNames.CachingSha2Password));
        Assert.Contains("CachingSha2VerifierOptions", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCachingSha2_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddCachingSha2().AddCachingSha2().AddCachingSha2Verifier(o => o.PrivateKeyPem = TestKeys.ServerPrivatePem).AddCachingSha2Verifier();
        await using var sp = services.BuildServiceProvider();
        Assert.Single(sp.GetServices<IAuthPlugin>());
        Assert.Single(sp.GetServices<IAuthVerifier>());
        Assert.Same(sp.GetRequiredService<CachingSha2PasswordCache>(), sp.GetRequiredService<CachingSha2PasswordCache>());
    }

    private static AuthFactorPolicy Policy(string password) =>
        new(CachingSha2PluginNames.CachingSha2Password, CachingSha2Credential.FromPassword(password, iterations: CachingSha2Credential.MinIterations).ToStoredCredential());

    private static string Describe(InMemoryHandshakeResult result) => result.ClientError?.ToString() ?? result.ServerFailureReason.ToString();

    private static ServiceProvider Services(Action<CachingSha2Options>? client = null, Action<CachingSha2VerifierOptions>? server = null, Action<InMemoryCredentialStore>? users = null)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddCachingSha2(client)
            .AddCachingSha2Verifier(o =>
            {
                // A pre-generated key keeps tests fast; a test that wants generation sets it to null.
                o.PrivateKeyPem = TestKeys.ServerPrivatePem;
                o.UnknownUserIterations = CachingSha2Credential.MinIterations;
                server?.Invoke(o);
            })
            .AddAcceptor(o => o.DefaultPlugin = CachingSha2PluginNames.CachingSha2Password)
            .AddInMemoryCredentialStore(users);
        return services.BuildServiceProvider();
    }

    private static Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, string userName, string password, TransportSecurity client, TransportSecurity server) =>
        RunAsync(sp, userName, [password], client, server);

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, string userName, string[] passwords, TransportSecurity client, TransportSecurity server)
    {
        using var credentials = AuthCredentials.FromPasswords(userName, passwords);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, client);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(server);
        using var connection = InMemoryAuthConnection.Create(client, server);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection);
    }
}
