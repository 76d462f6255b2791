using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>
/// Pass-through for mysql_native_password: the verifier recovers SHA1(password) from a verified response
/// (response XOR SHA1(scramble || SHA1(SHA1(password)))), and the client answers a new scramble with it.
/// </summary>
public sealed class NativePasswordPassThroughTests
{
    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_RecoveryOnPublishedResponse_RecoversSha1OfThePassword(string password, string scrambleHex, string responseHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), NativePasswordCredential.FromPassword(password).ToStoredCredential(), recover: true);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(Convert.FromHexString(responseHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);

        using var recovered = ((IPassThroughCredentialSource)exchange).TakePassThroughCredential();
        Assert.NotNull(recovered);
        Assert.Equal(PasswordSha1(password), recovered.Key.ToArray());
        Assert.Equal(NativePasswordPluginNames.MySqlNativePassword, recovered.Mechanism);
        Assert.Equal("alice", recovered.UserName);
        Assert.Equal(HashAlgorithmName.SHA1, recovered.HashAlgorithm);
        Assert.True(recovered.ServerKey.IsEmpty);
        Assert.Equal(0, recovered.Iterations);
        Assert.Null(((IPassThroughCredentialSource)exchange).TakePassThroughCredential());
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_RecoveryOff_HandsOverNothing(string password, string scrambleHex, string responseHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), NativePasswordCredential.FromPassword(password).ToStoredCredential(), recover: false);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(Convert.FromHexString(responseHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        Assert.Null(((IPassThroughCredentialSource)exchange).TakePassThroughCredential());
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_RecoveryOnWrongResponse_HandsOverNothing(string password, string scrambleHex, string responseHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), NativePasswordCredential.FromPassword(password).ToStoredCredential(), recover: true);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var response = Convert.FromHexString(responseHex);
        response[0] ^= 0x80;
        var step = await exchange.ProcessAsync(response, CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Null(((IPassThroughCredentialSource)exchange).TakePassThroughCredential());
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task RespondAsync_KeyInPlaceOfPassword_PublishedResponseByteForByte(string password, string scrambleHex, string responseHex)
    {
        using var key = PassThroughCredential.ForKey(NativePasswordPluginNames.MySqlNativePassword, "alice", HashAlgorithmName.SHA1, PasswordSha1(password));
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassThrough(key));
        using var exchange = new NativePasswordPlugin().Start(new AuthExchangeContext(NativePasswordPluginNames.MySqlNativePassword, 1, credentials, TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>()));
        var reply = await exchange.RespondAsync(Convert.FromHexString(scrambleHex + "00"), CancellationToken.None);
        Assert.Equal(responseHex, Convert.ToHexStringLower(reply.Data.Span));
    }

    [Fact]
    public void RequireSecret_NativeKeyOfferedToCleartextPlugin_PassThroughMismatch()
    {
        // A server that switches to mysql_clear_password must never receive SHA1(password) as it is.
        var sha1 = PasswordSha1("secret");
        using var key = PassThroughCredential.ForKey(NativePasswordPluginNames.MySqlNativePassword, "alice", HashAlgorithmName.SHA1, sha1);
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassThrough(key));
        var context = new AuthExchangeContext("mysql_clear_password", 1, credentials, TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>());
        var ex = Assert.Throws<HandshakeException>(() => context.RequireSecret());
        Assert.Equal(AuthErrorCode.PassThroughMismatch, ex.Code);
        Assert.DoesNotContain(Convert.ToHexString(sha1), ex.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Dispose_Credential_ZeroesAndRedacts()
    {
        var sha1 = PasswordSha1("secret");
        var key = PassThroughCredential.ForKey(NativePasswordPluginNames.MySqlNativePassword, "alice", HashAlgorithmName.SHA1, sha1);
        Assert.Equal("PassThroughCredential(mysql_native_password, user=alice, redacted)", key.ToString());
        key.Dispose();
        Assert.Equal("PassThroughCredential(mysql_native_password, user=alice, wiped)", key.ToString());
        _ = Assert.Throws<ObjectDisposedException>(() => key.Key.Length);
    }

    [Fact]
    public async Task RunAsync_FrontEndRecoversKey_BackendWithSameHashAcceptsIt()
    {
        var stored = NativePasswordCredential.FromPassword("secret").ToStoredCredential();
        await using var frontEnd = Build(stored, recover: true);
        await using var backend = Build(stored, recover: false);
        var login = await RunAsync(frontEnd, AuthCredentials.FromPasswords("alice", "secret"));
        Assert.True(login.Succeeded);
        using var recovered = login.ServerResult!.PassThroughCredential;
        Assert.NotNull(recovered);

        using var proxied = new AuthCredentials("alice", AuthSecret.FromPassThrough(recovered));
        var backendLogin = await RunAsync(backend, proxied);
        Assert.True(backendLogin.Succeeded, backendLogin.ClientError?.Message);
        Assert.Null(backendLogin.ServerResult!.PassThroughCredential);
    }

    [Fact]
    public async Task RunAsync_BackendHashDiffers_BackendRejects()
    {
        await using var frontEnd = Build(NativePasswordCredential.FromPassword("secret").ToStoredCredential(), recover: true);
        await using var backend = Build(NativePasswordCredential.FromPassword("other").ToStoredCredential(), recover: false);
        var login = await RunAsync(frontEnd, AuthCredentials.FromPasswords("alice", "secret"));
        using var recovered = login.ServerResult!.PassThroughCredential!;
        using var proxied = new AuthCredentials("alice", AuthSecret.FromPassThrough(recovered));
        var backendLogin = await RunAsync(backend, proxied);
        Assert.False(backendLogin.Succeeded);
        Assert.Equal(AuthErrorCode.ServerRejected, backendLogin.ClientError!.Code);
        Assert.Equal(AuthErrorCode.InvalidCredential, backendLogin.ServerFailureReason);
    }

    [Fact]
    public async Task AddNativePasswordVerifier_DefaultRegistration_RecoversNothing()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddNativePassword().AddNativePasswordVerifier()
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, NativePasswordCredential.FromPassword("secret").ToStoredCredential())));
        await using var sp = services.BuildServiceProvider();
        var login = await RunAsync(sp, AuthCredentials.FromPasswords("alice", "secret"));
        Assert.True(login.Succeeded);
        Assert.Null(login.ServerResult!.PassThroughCredential);
        Assert.False(sp.GetRequiredService<IOptionsMonitor<NativePasswordVerifierOptions>>().Get(NativePasswordPluginNames.MySqlNativePassword).RecoverPassThroughKey);
    }

    /// <summary>SHA1(password): mysql_native_password's pass-through key is SHA-1 by MySQL's definition, computed here with the BCL.</summary>
    private static byte[] PasswordSha1(string password)
    {
#pragma warning disable CA5350 // SHA1(pw) is what Native41 defines; the test states it independently of the code under test.
        return SHA1.HashData(Encoding.UTF8.GetBytes(password));
#pragma warning restore CA5350
    }

    private static IVerifierExchange Start(byte[] random, StoredCredential? stored, bool recover)
    {
        var context = new VerifierContext(NativePasswordPluginNames.MySqlNativePassword, NativePasswordPluginNames.MySqlNativePassword, 1, TransportSecurity.None, new FixedCredentialSource("alice", stored))
        {
            Random = new FixedRandomSource(random),
        };
        using var services = new ServiceCollection().Configure<NativePasswordVerifierOptions>(NativePasswordPluginNames.MySqlNativePassword, o => o.RecoverPassThroughKey = recover).BuildServiceProvider();
        return new NativePasswordVerifier(NativePasswordPluginNames.MySqlNativePassword, services.GetRequiredService<IOptionsMonitor<NativePasswordVerifierOptions>>()).Start(context);
    }

    private static ServiceProvider Build(StoredCredential stored, bool recover)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddNativePassword()
            .AddNativePasswordVerifier(o => o.RecoverPassThroughKey = recover)
            .AddAcceptor(o => o.DefaultPlugin = NativePasswordPluginNames.MySqlNativePassword)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(NativePasswordPluginNames.MySqlNativePassword, stored)));
        return services.BuildServiceProvider();
    }

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, AuthCredentials credentials)
    {
        using (credentials)
        {
            using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
            using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(TransportSecurity.None);
            return await InMemoryHandshake.RunAsync(negotiator, acceptor);
        }
    }
}
