using System.Security.Cryptography;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class KeyAuthSignerTests
{
    private static readonly KeyAuthVerifier Verifier = new(new KeyAuthVerifierOptions());

    [Theory]
    [InlineData("p256")]
    [InlineData("rsa")]
    public async Task Respond_RemoteSigner_SignsExactDataAndVerifies(string type)
    {
        // The private key lives "elsewhere": only the substitute signer touches it.
        var key = TestKeys.Get(type);
        var algorithm = type == "rsa" ? KeyAuthAlgorithm.RsaPssSha256 : KeyAuthAlgorithm.EcdsaP256Sha256;
        var signer = Substitute.For<IKeyAuthSigner>();
        signer.SignAsync(Arg.Any<KeyAuthSigningRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var data = call.Arg<KeyAuthSigningRequest>().DataToSign.ToArray();
            var signature = key is RSA rsa
                ? rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
                : ((ECDsa)key).SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return ValueTask.FromResult(new KeyAuthSignature(KeyAuthFingerprint.FromPublicKey(key), algorithm, signature));
        });
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { Signer = signer });

        var step = await Direct.RunAsync(plugin, Direct.ClientContext(), Verifier, Direct.ServerContext(TestKeys.AuthorizedKeysLine(key)));

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        await signer.Received(1).SignAsync(
            Arg.Is<KeyAuthSigningRequest>(r => r.DataToSign.ToArray()[0] == KeyAuthSignedData.Version && r.Context.UserName == "alice"),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Respond_RemoteSignerThrows_ThrowsKeyUnavailableNamingPlugin()
    {
        var signer = Substitute.For<IKeyAuthSigner>();
        signer.SignAsync(Arg.Any<KeyAuthSigningRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("agent refused"));
        var plugin = new KeyAuthPlugin("agent-key", new KeyAuthClientOptions { Signer = signer });
        using var exchange = plugin.Start(Direct.ClientContext(plugin: "agent-key"));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(KeyAuthKeySourceTests.Challenge(), default));

        Assert.Equal(AuthErrorCode.KeyUnavailable, ex.Code);
        Assert.Equal("agent-key", ex.PluginName);
        Assert.Contains("remote signer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Respond_RemoteSignerThrowsHandshakeException_KeepsCodeAndAddsContext()
    {
        var signer = Substitute.For<IKeyAuthSigner>();
        signer.SignAsync(Arg.Any<KeyAuthSigningRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(new HandshakeException(AuthErrorCode.LockedOut, "HSM locked"));
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { Signer = signer });
        using var exchange = plugin.Start(Direct.ClientContext(factor: 2));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(KeyAuthKeySourceTests.Challenge(), default));

        Assert.Equal(AuthErrorCode.LockedOut, ex.Code);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, ex.PluginName);
        Assert.Equal(2, ex.FactorIndex);
    }

    [Fact]
    public async Task Respond_RemoteSignerUnknownAlgorithm_ThrowsPolicyViolation()
    {
        var signer = Substitute.For<IKeyAuthSigner>();
        signer.SignAsync(Arg.Any<KeyAuthSigningRequest>(), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromResult(new KeyAuthSignature(KeyAuthFingerprint.FromPublicKey(TestKeys.P256), (KeyAuthAlgorithm)99, new byte[64])));
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { Signer = signer });
        using var exchange = plugin.Start(Direct.ClientContext());

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await exchange.RespondAsync(KeyAuthKeySourceTests.Challenge(), default));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task Respond_MultiRoundSignerGetsAcceptedKeysAndPicksOne_Verifies()
    {
        var signer = Substitute.For<IKeyAuthSigner>();
        var fingerprint = KeyAuthFingerprint.FromPublicKey(TestKeys.P384);
        signer.SignAsync(Arg.Any<KeyAuthSigningRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var request = call.Arg<KeyAuthSigningRequest>();
            Assert.Contains(fingerprint, request.AcceptedKeys);
            var signature = TestKeys.P384.SignData(request.DataToSign.ToArray(), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return ValueTask.FromResult(new KeyAuthSignature(fingerprint, KeyAuthAlgorithm.EcdsaP384Sha384, signature));
        });
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { Signer = signer });
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions { AdvertiseKeys = true });
        var stored = TestKeys.AuthorizedKeysLine(TestKeys.OtherP256) + "\n" + TestKeys.AuthorizedKeysLine(TestKeys.P384);

        var step = await Direct.RunAsync(plugin, Direct.ClientContext(), verifier, Direct.ServerContext(stored));

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Fact]
    public async Task Process_SignatureWithAlgorithmNotMatchingKeyType_RejectsInvalidCredential()
    {
        // A P-256 key claimed as RSA-PSS: the algorithm must match the stored key's type.
        var signer = Substitute.For<IKeyAuthSigner>();
        signer.SignAsync(Arg.Any<KeyAuthSigningRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var signature = TestKeys.P256.SignData(call.Arg<KeyAuthSigningRequest>().DataToSign.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return ValueTask.FromResult(new KeyAuthSignature(KeyAuthFingerprint.FromPublicKey(TestKeys.P256), KeyAuthAlgorithm.RsaPssSha256, signature));
        });
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { Signer = signer });

        var step = await Direct.RunAsync(plugin, Direct.ClientContext(), Verifier, Direct.ServerContext(TestKeys.PublicPem(TestKeys.P256)));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }
}
