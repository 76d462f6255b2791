using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// Pass-through (what a proxy does): the verifier recovers ClientKey from a verified proof (RFC 5802 §3),
/// and the client logs in with ClientKey and ServerKey in place of the password.
/// </summary>
public sealed class ScramPassThroughTests
{
    // Published transcripts (../shared/vectors/scram.md): family, user, password, client nonce, server nonce part, the four messages (salt and empty n= read from them).
    public static TheoryData<string, string, string, string, string, string, string, string, string> Transcripts => new()
    {
        // RFC 7677 §3 (SCRAM-SHA-256).
        {
            ScramPluginNames.ScramSha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        },

        // RFC 5802 §5 (SCRAM-SHA-1).
        {
            ScramPluginNames.ScramSha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j",
            "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
        },

        // PostgreSQL style: empty n=, as libpq sends it.
        {
            ScramPluginNames.ScramSha256, "postgres", "foobar", "9IZ2O01zb9IgiIZ1WJ/zgpJB", "jx/oIRLs02gGSHcw1KEty3eY",
            "n,,n=,r=9IZ2O01zb9IgiIZ1WJ/zgpJB",
            "r=9IZ2O01zb9IgiIZ1WJ/zgpJBjx/oIRLs02gGSHcw1KEty3eY,s=fs3IXBy7U7+IvVjZ,i=4096",
            "c=biws,r=9IZ2O01zb9IgiIZ1WJ/zgpJBjx/oIRLs02gGSHcw1KEty3eY,p=AmNKosjJzS31NTlQYNs5BTeQjdHdk7lOflDo5re2an8=",
            "v=U+ppxD5XUKtradnv8e2MkeupiA8FU87Sg8CXzXHDAzw="
        },
    };

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task ProcessAsync_RecoveryOnPublishedTranscript_RecoversTheKeysOfThePassword(string family, string user, string password, string clientNonce, string serverNonce, string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        _ = clientNonce;
        ArgumentNullException.ThrowIfNull(serverFirst);
        var salt = SaltOf(serverFirst);
        var hash = ScramHash.ForName(family)!;
        using var exchange = StartServer(hash, user, password, salt, serverNonce, recover: true);
        var first = await exchange.ProcessAsync(Ascii(clientFirst), CancellationToken.None);
        Assert.Equal(serverFirst, Ascii(first.Data));
        var final = await exchange.ProcessAsync(Ascii(clientFinal), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, final.Kind);
        Assert.Equal(serverFinal, Ascii(final.Data));

        using var recovered = ((IPassThroughCredentialSource)exchange).TakePassThroughCredential();
        Assert.NotNull(recovered);
        var (clientKey, serverKey) = KeysOf(hash, password, salt, 4096);
        Assert.Equal(clientKey, recovered.Key.ToArray());
        Assert.Equal(serverKey, recovered.ServerKey.ToArray());
        Assert.Equal(Convert.FromBase64String(salt), recovered.Salt.ToArray());
        Assert.Equal(4096, recovered.Iterations);
        Assert.Equal(family, recovered.Mechanism);
        Assert.Equal(hash.Algorithm, recovered.HashAlgorithm);
        Assert.Equal(user, recovered.UserName);

        // Handed over once: the caller owns it now.
        Assert.Null(((IPassThroughCredentialSource)exchange).TakePassThroughCredential());
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task RespondAsync_KeyInPlaceOfPassword_SameBytesOnTheWireWithoutPbkdf2(string family, string user, string password, string clientNonce, string serverNonce, string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        _ = serverNonce;
        ArgumentNullException.ThrowIfNull(serverFirst);
        ArgumentNullException.ThrowIfNull(clientFirst);
        var salt = SaltOf(serverFirst);
        var emptyUser = clientFirst.StartsWith("n,,n=,", StringComparison.Ordinal);
        var hash = ScramHash.ForName(family)!;
        var (clientKey, serverKey) = KeysOf(hash, password, salt, 4096);
        using var key = PassThroughCredential.ForScram(family, user, hash.Algorithm, clientKey, serverKey, Convert.FromBase64String(salt), 4096);
        var deriver = new CountingKeyDeriver();
        using var withKey = KeyClient(key, user, clientNonce, hash, deriver, new ScramOptions { SendEmptyUserName = emptyUser });
        using var withPassword = Client(user, password, clientNonce, hash, options: new ScramOptions { SendEmptyUserName = emptyUser });

        Assert.Equal(clientFirst, await SendAsync(withKey, string.Empty));
        Assert.Equal(clientFirst, await SendAsync(withPassword, string.Empty));
        Assert.Equal(clientFinal, await SendAsync(withKey, serverFirst));
        Assert.Equal(clientFinal, await SendAsync(withPassword, serverFirst));
        withKey.OnServerAccepted(Ascii(serverFinal));
        Assert.Equal(0, deriver.Count);
    }

    [Fact]
    public async Task RespondAsync_KeyAndWrongServerSignature_ServerSignatureMismatch()
    {
        var (clientKey, serverKey) = KeysOf(ScramHash.Sha256, "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", 4096);
        using var key = PassThroughCredential.ForScram(ScramPluginNames.ScramSha256, "user", HashAlgorithmName.SHA256, clientKey, serverKey, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        using var client = KeyClient(key, "user", "rOprNGfwEbeRWgbNEkqO", ScramHash.Sha256);
        _ = await SendAsync(client, string.Empty);
        _ = await SendAsync(client, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client.RespondAsync(Ascii("v=" + Convert.ToBase64String(new byte[32])), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ServerSignatureMismatch, ex.Code);
    }

    [Theory]
    [InlineData("r=abcXYZ,s=AAAAAAAAAAAAAAAAAAAAAA==,i=4096", "salt")]
    [InlineData("r=abcXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=8192", "iteration count (i=8192, the front end's has i=4096)")]
    public async Task RespondAsync_BackendVerifierDiffers_PassThroughMismatchNamingUserAndCause(string serverFirst, string cause)
    {
        var (clientKey, serverKey) = KeysOf(ScramHash.Sha256, "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", 4096);
        using var key = PassThroughCredential.ForScram(ScramPluginNames.ScramSha256, "alice", HashAlgorithmName.SHA256, clientKey, serverKey, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        using var client = KeyClient(key, "alice", "abc", ScramHash.Sha256);
        _ = await SendAsync(client, string.Empty);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => client.RespondAsync(Ascii(serverFirst), CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.PassThroughMismatch, ex.Code);
        Assert.Contains("user 'alice'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("different " + cause, ex.Message, StringComparison.Ordinal);
        Assert.Contains("same stored verifier on both", ex.Message, StringComparison.Ordinal);
        AssertNoKeyIn(ex.ToString(), clientKey, serverKey);
    }

    [Fact]
    public async Task ProcessAsync_RecoveryOff_HandsOverNothing()
    {
        using var exchange = StartServer(ScramHash.Sha256, "user", "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", recover: false);
        _ = await exchange.ProcessAsync(Ascii("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"), CancellationToken.None);
        var final = await exchange.ProcessAsync(Ascii("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, final.Kind);
        Assert.Null(((IPassThroughCredentialSource)exchange).TakePassThroughCredential());
    }

    [Fact]
    public async Task ProcessAsync_RecoveryOnWrongProof_HandsOverNothing()
    {
        using var exchange = StartServer(ScramHash.Sha256, "user", "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", recover: true);
        _ = await exchange.ProcessAsync(Ascii("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"), CancellationToken.None);
        var final = await exchange.ProcessAsync(Ascii("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=" + Convert.ToBase64String(new byte[32])), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, final.Kind);
        Assert.Null(((IPassThroughCredentialSource)exchange).TakePassThroughCredential());
    }

    [Fact]
    public void Dispose_Credential_ZeroesAndRedacts()
    {
        var (clientKey, serverKey) = KeysOf(ScramHash.Sha256, "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", 4096);
        var key = PassThroughCredential.ForScram(ScramPluginNames.ScramSha256, "user", HashAlgorithmName.SHA256, clientKey, serverKey, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        var text = key.ToString();
        Assert.Equal("PassThroughCredential(SCRAM-SHA-256, user=user, i=4096, redacted)", text);
        AssertNoKeyIn(text, clientKey, serverKey);
        using var secret = AuthSecret.FromPassThrough(key);
        AssertNoKeyIn(secret.ToString(), clientKey, serverKey);

        key.Dispose();
        Assert.True(key.IsDisposed);
        _ = Assert.Throws<ObjectDisposedException>(() => key.Key.Length);
        _ = Assert.Throws<ObjectDisposedException>(() => key.ServerKey.Length);
        var disposed = Assert.Throws<ObjectDisposedException>(() => key.Clone());
        AssertNoKeyIn(disposed.ToString(), clientKey, serverKey);

        // The secret holds its own copy: disposing the original leaves it usable, and disposing it zeroes that copy.
        Assert.Equal(clientKey, secret.Bytes.ToArray());
        var copy = secret.PassThrough!;
        secret.Dispose();
        Assert.True(copy.IsDisposed);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256", true)]
    [InlineData("SCRAM-SHA-256-PLUS", true)]
    [InlineData("SCRAM-SHA-512", false)]
    [InlineData("PLAIN", false)]
    [InlineData("mysql_clear_password", false)]
    public void RequireSecret_PassThroughKey_HandedOnlyToItsMechanism(string plugin, bool handed)
    {
        var (clientKey, serverKey) = KeysOf(ScramHash.Sha256, "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", 4096);
        using var key = PassThroughCredential.ForScram(ScramPluginNames.ScramSha256, "alice", HashAlgorithmName.SHA256, clientKey, serverKey, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        using var credentials = new AuthCredentials("alice", AuthSecret.FromPassThrough(key));
        var context = new AuthExchangeContext(plugin, 1, credentials, TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>());
        if (handed)
        {
            Assert.Equal(AuthSecretKind.PassThrough, context.RequireSecret().Kind);
            return;
        }

        var ex = Assert.Throws<HandshakeException>(() => context.RequireSecret());
        Assert.Equal(AuthErrorCode.PassThroughMismatch, ex.Code);
        AssertNoKeyIn(ex.ToString(), clientKey, serverKey);
    }

    public static TheoryData<string, bool> FamiliesAndTls => new()
    {
        { ScramPluginNames.ScramSha1, false },
        { ScramPluginNames.ScramSha1, true },
        { ScramPluginNames.ScramSha256, false },
        { ScramPluginNames.ScramSha256, true },
        { ScramPluginNames.ScramSha512, false },
        { ScramPluginNames.ScramSha512, true },
    };

    [Theory]
    [MemberData(nameof(FamiliesAndTls))]
    public async Task RunAsync_FrontEndRecoversKey_BackendWithSameVerifierAcceptsIt(string family, bool tls)
    {
        using var certificate = tls ? RsaCertificate(HashAlgorithmName.SHA256) : null;
        var security = certificate is null ? TransportSecurity.None : Tls(certificate);
        var stored = ScramCredential.Create("correct horse", new PinnedRandom(7), 4096, family).ToStoredCredential();
        await using var frontEnd = Build(family, stored, recover: true);
        await using var backend = Build(family, stored, recover: false);

        var login = await RunAsync(frontEnd, AuthCredentials.FromPasswords("alice", "correct horse"), security);
        Assert.True(login.Succeeded, login.ClientError?.Message ?? login.ServerFailureReason.ToString());
        Assert.Equal(tls ? family + "-PLUS" : family, login.ServerResult!.Factors[0].Mechanism);
        using var recovered = login.ServerResult.PassThroughCredential;
        Assert.NotNull(recovered);
        Assert.Equal(family, recovered.Mechanism);
        Assert.DoesNotContain("PassThrough", login.ServerResult.ToString(), StringComparison.Ordinal);
        Assert.Null(login.ClientResult!.PassThroughCredential);

        using var proxied = new AuthCredentials("alice", AuthSecret.FromPassThrough(recovered));
        var backendLogin = await RunAsync(backend, proxied, security);
        Assert.True(backendLogin.Succeeded, backendLogin.ClientError?.Message ?? backendLogin.ServerFailureReason.ToString());
        Assert.Null(backendLogin.ServerResult!.PassThroughCredential);
    }

    [Fact]
    public async Task RunAsync_RecoveryOffByDefault_ResultCarriesNoKey()
    {
        var stored = ScramCredential.Create("correct horse", new PinnedRandom(7), 4096).ToStoredCredential();
        await using var sp = Build(ScramPluginNames.ScramSha256, stored, recover: null);
        var login = await RunAsync(sp, AuthCredentials.FromPasswords("alice", "correct horse"), TransportSecurity.None);
        Assert.True(login.Succeeded);
        Assert.Null(login.ServerResult!.PassThroughCredential);
    }

    [Fact]
    public async Task RunAsync_LaterFactorFails_RecoveredKeyIsZeroed()
    {
        var stored = ScramCredential.Create("correct horse", new PinnedRandom(7), 4096).ToStoredCredential();
        var spy = new SpyVerifier(new ScramVerifier(ScramHash.Sha256, new OptionsMonitorStub<ScramVerifierOptions>(new ScramVerifierOptions { RecoverPassThroughKey = true }), new byte[32]));
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddScram()
            .AddVerifier(spy)
            .AddPlugin("second", AuthSecretUse.Derived, _ => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 1 }))
            .AddVerifier("second", _ => (_, _) => ValueTask.FromResult(VerifierStep.Reject(AuthErrorCode.InvalidCredential, "no")))
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("SCRAM-SHA-256", stored), new AuthFactorPolicy("second", StoredCredential.FromString("x"))));
        await using var sp = services.BuildServiceProvider();
        var login = await RunAsync(sp, AuthCredentials.FromPasswords("alice", "correct horse", "second"), TransportSecurity.None);
        Assert.False(login.Succeeded);
        Assert.NotNull(spy.Taken);
        Assert.True(spy.Taken.IsDisposed);
    }

    private static string SaltOf(string serverFirst) => serverFirst.Split(',')[1][2..];

    private static IVerifierExchange StartServer(ScramHash hash, string user, string password, string salt, string serverNonce, bool recover)
    {
        var stored = ScramCredential.Create(password, Convert.FromBase64String(salt), 4096, hash.MechanismName).ToStoredCredential();
        var context = new VerifierContext(hash.MechanismName, hash.MechanismName, 1, TransportSecurity.None, new FakeCredentialSource(user, stored));
        return ScramVerifier.StartWithNonce(context, new ScramVerifierOptions { RecoverPassThroughKey = recover }, _ => serverNonce, hash: hash);
    }

    private static ScramClientExchange KeyClient(PassThroughCredential key, string user, string nonce, ScramHash hash, IScramKeyDeriver? deriver = null, ScramOptions? options = null)
    {
#pragma warning disable CA2000 // The exchange's context holds the credentials; the exchange wipes what it copied, and the test's key is disposed by the test.
        var context = new AuthExchangeContext(hash.MechanismName, 1, KeyCredentials(user, key), TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>());
#pragma warning restore CA2000
        return new ScramClientExchange(context, hash, plus: false, options ?? new ScramOptions(), null, deriver ?? Pbkdf2ScramKeyDeriver.Instance, _ => nonce);
    }

    private static AuthCredentials KeyCredentials(string user, PassThroughCredential key) => new(user, AuthSecret.FromPassThrough(key));

    /// <summary>ClientKey and ServerKey from the password with the BCL alone (RFC 5802 §3), independent of the code under test.</summary>
    private static (byte[] ClientKey, byte[] ServerKey) KeysOf(ScramHash hash, string password, string salt, int iterations)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), iterations, hash.Algorithm, hash.Length);
        return (HMAC(hash, salted, "Client Key"), HMAC(hash, salted, "Server Key"));
    }

    private static byte[] HMAC(ScramHash hash, byte[] key, string label) => CryptographicOperations.HmacData(hash.Algorithm, key, Encoding.ASCII.GetBytes(label));

    private static void AssertNoKeyIn(string text, params byte[][] keys)
    {
        foreach (var key in keys)
        {
            Assert.DoesNotContain(Convert.ToBase64String(key), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(key), text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static ServiceProvider Build(string family, StoredCredential stored, bool? recover)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddScramFamily(family)
            .AddScramVerifierFamily(family, recover is { } on ? o => o.RecoverPassThroughKey = on : null)
            .AddAcceptor(o => o.DefaultPlugin = family)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(family, stored)));
        return services.BuildServiceProvider();
    }

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, AuthCredentials credentials, TransportSecurity security)
    {
        using (credentials)
        {
            using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, security);
            using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(security, AcceptorStartMode.Offer);
            using var connection = InMemoryAuthConnection.Create(security, security);
            return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, credentials.UserName);
        }
    }

    /// <summary>The real SCRAM verifier, recording the key the acceptor took from its exchange.</summary>
    private sealed class SpyVerifier(IAuthVerifier inner) : IAuthVerifier
    {
        public PassThroughCredential? Taken { get; private set; }

        public string Name => inner.Name;

        public bool UsesServerStoredPassword => true;

        public IVerifierExchange Start(VerifierContext context) => new Exchange(this, inner.Start(context));

        private sealed class Exchange(SpyVerifier owner, IVerifierExchange inner) : IVerifierExchange, IPassThroughCredentialSource
        {
            public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => inner.BeginAsync(cancellationToken);

            public ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken) => inner.ProcessAsync(clientData, cancellationToken);

            public PassThroughCredential? TakePassThroughCredential() => owner.Taken = ((IPassThroughCredentialSource)inner).TakePassThroughCredential();

            public void Dispose() => inner.Dispose();
        }
    }
}
