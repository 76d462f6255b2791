using System.Security.Cryptography;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class KeyAuthKeySourceTests
{
    private const string Password = "correct horse battery staple";

    // A throwaway Ed25519 PKCS#8 key made with 'openssl genpkey -algorithm ed25519' for this test only.
    private const string Ed25519Pem = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIOFFeEXQr4C4W1QCqTC4PPkIEgICREbES2/CRVya6TfG
        -----END PRIVATE KEY-----
        """;

    private static readonly KeyAuthVerifier Verifier = new(new KeyAuthVerifierOptions());

    [Theory]
    [InlineData("p256")]
    [InlineData("p384")]
    [InlineData("rsa")]
    public async Task Respond_EncryptedPkcs8WithRightFactorPassword_Verifies(string type)
    {
        var key = TestKeys.Get(type);
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.EncryptedPrivatePem(key, Password) });

        var step = await Direct.RunAsync(plugin, Direct.ClientContext(passwords: [Password]), Verifier, Direct.ServerContext(TestKeys.PublicPem(key)));

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Fact]
    public async Task RunAsync_EncryptedPkcs8WithWrongPassword_FailsKeyUnavailableWithoutThePassword()
    {
        const string wrong = "Tr0ub4dor&3-wrong";
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.EncryptedPrivatePem(TestKeys.P256, Password), TestKeys.PublicPem(TestKeys.P256));

        var result = await Engine.RunAsync(sp, passwords: [wrong]);

        Assert.False(result.Succeeded);
        var error = Assert.IsType<HandshakeException>(result.ClientError);
        Assert.Equal(AuthErrorCode.KeyUnavailable, error.Code);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, error.PluginName);
        Assert.Contains("password is wrong", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Respond_EncryptedPkcs8UsesThatFactorsSecret_NotFactorOne()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.EncryptedPrivatePem(TestKeys.P256, Password) });
        using var exchange = plugin.Start(Direct.ClientContext(factor: 2, passwords: [Password, "not-it"]));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
        Assert.Equal(2, ex.FactorIndex);
    }

    [Fact]
    public async Task Respond_EncryptedPkcs8WithoutPassword_ThrowsMissingCredential()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.EncryptedPrivatePem(TestKeys.P256, Password) });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, ex.PluginName);
    }

    [Fact]
    public async Task Respond_Ed25519Key_ThrowsPolicyViolation()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = Ed25519Pem });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task Respond_P521Key_ThrowsPolicyViolation()
    {
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = p521.ExportPkcs8PrivateKeyPem() });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, ex.PluginName);
    }

    [Fact]
    public async Task Respond_RsaKeyBelowMinimum_ThrowsPolicyViolation()
    {
        using var small = RSA.Create(1024);
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = small.ExportPkcs8PrivateKeyPem() });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task Respond_DamagedPem_ThrowsKeyUnavailable()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
    }

    [Fact]
    public async Task Respond_KeySource_FetchesKeyForUserAndFactorAndDisposesIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var stored = TestKeys.PublicPem(key);
        var source = Substitute.For<IKeyAuthKeySource>();
        source.GetKeyAsync(Arg.Any<KeyAuthKeyRequest>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<AsymmetricAlgorithm>(key));
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { KeySource = source });

        var step = await Direct.RunAsync(plugin, Direct.ClientContext(user: "alice", factor: 2), Verifier, Direct.ServerContext(stored, factor: 2));

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        await source.Received(1).GetKeyAsync(Arg.Is<KeyAuthKeyRequest>(r => r.Context.UserName == "alice" && r.Context.FactorIndex == 2 && r.AcceptedKeys.Count == 0), Arg.Any<CancellationToken>());
        Assert.Throws<ObjectDisposedException>(() => key.ExportParameters(false));
    }

    [Fact]
    public async Task Respond_KeySourceThrows_ThrowsKeyUnavailableNamingPlugin()
    {
        var source = Substitute.For<IKeyAuthKeySource>();
        source.GetKeyAsync(Arg.Any<KeyAuthKeyRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(new IOException("vault unreachable"));
        var plugin = new KeyAuthPlugin("vault-key", new KeyAuthClientOptions { KeySource = source });
        using var exchange = plugin.Start(Direct.ClientContext(plugin: "vault-key"));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
        Assert.Equal("vault-key", ex.PluginName);
        Assert.Contains("vault-key", ex.Message, StringComparison.Ordinal);
        var cause = Assert.IsType<RedactedException>(ex.InnerException);
        Assert.Equal(typeof(IOException).FullName, cause.OriginalTypeName);
        Assert.DoesNotContain("vault unreachable", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("vault unreachable", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Respond_KeySourceReturnsNull_ThrowsKeyUnavailable()
    {
        var source = Substitute.For<IKeyAuthKeySource>();
        source.GetKeyAsync(Arg.Any<KeyAuthKeyRequest>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<AsymmetricAlgorithm>(null!));
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { KeySource = source });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
    }

    [Fact]
    public async Task Respond_PemFileKeySource_ReadsEncryptedFileWithFactorPassword()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keyauth-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, TestKeys.EncryptedPrivatePem(TestKeys.P384, Password));
        try
        {
            var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { KeySource = new KeyAuthPemFileKeySource(path) });

            var step = await Direct.RunAsync(plugin, Direct.ClientContext(passwords: [Password]), Verifier, Direct.ServerContext(TestKeys.AuthorizedKeysLine(TestKeys.P384)));

            Assert.Equal(VerifierStepKind.Accept, step.Kind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Respond_PemFileMissing_ThrowsKeyUnavailable()
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { KeySource = new KeyAuthPemFileKeySource("/nonexistent/keyauth.pem") });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(Challenge(), default));

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Constructor_NotExactlyOneKeyOrigin_Throws(int origins)
    {
        var options = new KeyAuthClientOptions();
        if (origins == 2)
        {
            options.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256);
            options.Signer = Substitute.For<IKeyAuthSigner>();
        }

        Assert.Throws<ArgumentException>(() => new KeyAuthPlugin(options));
    }

    internal static byte[] Challenge() => [0x01, 0x01, 32, .. new byte[32]];
}
