using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>The verifier exchange on its own, with a pinned scramble.</summary>
public sealed class CachingSha2VerifierTests
{
    private static readonly TransportSecurity ServerTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    [Theory]
    [MemberData(nameof(MySqlVectors.FastResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_PublishedFastResponseWithCachedUser_AcceptsWithFastAuthMarker(string password, string scrambleHex, string responseHex)
    {
        using var verifier = Verifier();
        var stored = CachingSha2Credential.FromPassword(password, iterations: 1000).ToStoredCredential();
        ((CachingSha2PasswordCache)verifier.Cache).Set("alice", stored.Value, SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password))));
        using var exchange = Start(verifier, Convert.FromHexString(scrambleHex), stored, TransportSecurity.None);
        Assert.Equal(scrambleHex + "00", Convert.ToHexStringLower((await exchange.BeginAsync(CancellationToken.None)).Span));
        var step = await exchange.ProcessAsync(Convert.FromHexString(responseHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        Assert.Equal(new byte[] { 0x03 }, step.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.FastResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_PublishedFastResponseWithoutCacheEntry_AsksForFullAuth(string password, string scrambleHex, string responseHex)
    {
        using var verifier = Verifier();
        var stored = CachingSha2Credential.FromPassword(password, iterations: 1000).ToStoredCredential();
        using var exchange = Start(verifier, Convert.FromHexString(scrambleHex), stored, TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(Convert.FromHexString(responseHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, step.Kind);
        Assert.Equal(new byte[] { 0x04 }, step.Data.ToArray());
    }

    [Fact]
    public async Task ProcessAsync_UnknownUser_AsksForFullAuthLikeACacheMiss()
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], stored: null, TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        Assert.Equal(new byte[] { 0x04 }, step.Data.ToArray());
    }

    [Fact]
    public async Task ProcessAsync_CleartextPasswordOverPlainTransport_RejectsPolicyViolation()
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        _ = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        var step = await exchange.ProcessAsync("secret\0"u8.ToArray(), CancellationToken.None);
        Assert.Equal(AuthErrorCode.PolicyViolation, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_CleartextPasswordOverTls_AcceptsAndFillsCache()
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), ServerTls);
        _ = await exchange.BeginAsync(CancellationToken.None);
        _ = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        var step = await exchange.ProcessAsync("secret\0"u8.ToArray(), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        Assert.Equal(1, ((CachingSha2PasswordCache)verifier.Cache).Count);
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("")]
    public async Task ProcessAsync_CleartextWithoutNul_RejectsProtocolViolation(string sent)
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), ServerTls);
        _ = await exchange.BeginAsync(CancellationToken.None);
        _ = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        var step = await exchange.ProcessAsync(Encoding.UTF8.GetBytes(sent), CancellationToken.None);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_PublicKeyRequest_ReturnsServerPublicKeyPemOnce()
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        _ = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[] { 0x02 }, CancellationToken.None);
        Assert.Equal(VerifierStepKind.Continue, step.Kind);
        Assert.Equal(TestKeys.ServerPublicPem, Encoding.ASCII.GetString(step.Data.Span));
        Assert.Equal(VerifierStepKind.Reject, (await exchange.ProcessAsync(new byte[] { 0x02 }, CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task ProcessAsync_CiphertextNotForServerKey_RejectsProtocolViolation()
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        _ = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[256], CancellationToken.None);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_RsaPasswordXorScramble_AcceptsAndWrongPasswordRejects()
    {
        using var verifier = Verifier();
        foreach (var (password, expected) in new[] { ("secret", VerifierStepKind.Accept), ("guess", VerifierStepKind.Reject) })
        {
            using var exchange = Start(verifier, [0x41, 0x42], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), TransportSecurity.None);
            var scramble = (await exchange.BeginAsync(CancellationToken.None)).ToArray();
            _ = await exchange.ProcessAsync(new byte[32], CancellationToken.None);
            var plain = Encoding.UTF8.GetBytes(password + "\0");
            for (var i = 0; i < plain.Length; i++)
            {
                plain[i] ^= scramble[i % scramble.Length];
            }

            using var rsa = RSA.Create();
            rsa.ImportFromPem(TestKeys.ServerPublicPem);
            var step = await exchange.ProcessAsync(rsa.Encrypt(plain, RSAEncryptionPadding.OaepSHA1), CancellationToken.None);
            Assert.Equal(expected, step.Kind);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(33)]
    public async Task ProcessAsync_ScrambleResponseOfWrongLength_RejectsProtocolViolation(int length)
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], CachingSha2Credential.FromPassword("secret", iterations: 1000).ToStoredCredential(), TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var data = Enumerable.Repeat((byte)0x41, length).ToArray();
        Assert.Equal(AuthErrorCode.ProtocolViolation, (await exchange.ProcessAsync(data, CancellationToken.None)).Reason);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x00 })]
    public async Task ProcessAsync_EmptyPasswordAccountAndEmptyResponse_Accepts(byte[] response)
    {
        using var verifier = Verifier();
        using var exchange = Start(verifier, [0x41], StoredCredential.FromString(string.Empty), TransportSecurity.None);
        _ = await exchange.BeginAsync(CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, (await exchange.ProcessAsync(response, CancellationToken.None)).Kind);
    }

    [Fact]
    public void Constructor_NoKeyConfigured_GeneratesOne()
    {
        using var verifier = new CachingSha2Verifier(Options.Create(new CachingSha2VerifierOptions()), new CachingSha2PasswordCache(4), Options.Create(new ServerSecretOptions()));
        Assert.True(verifier.IsKeyGenerated);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", verifier.PublicKeyPem, StringComparison.Ordinal);
        Assert.True(verifier.UsesServerStoredPassword);
    }

    private static CachingSha2Verifier Verifier() =>
        new(Options.Create(new CachingSha2VerifierOptions { PrivateKeyPem = TestKeys.ServerPrivatePem, UnknownUserIterations = 1000 }), new CachingSha2PasswordCache(4), Options.Create(new ServerSecretOptions()));

    private static IVerifierExchange Start(CachingSha2Verifier verifier, byte[] random, StoredCredential? stored, TransportSecurity transport) =>
        verifier.Start(new VerifierContext(CachingSha2PluginNames.CachingSha2Password, CachingSha2PluginNames.CachingSha2Password, 1, transport, new FixedCredentialSource("alice", stored))
        {
            Random = new FixedRandomSource(random),
        });
}
