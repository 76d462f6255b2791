using System.Text;
using Handshake.Testing.Conformance;

namespace Handshake.Plugins.Ed25519.Tests;

/// <summary>The verifier exchange on its own, with a pinned scramble.</summary>
public sealed class Ed25519VerifierTests
{
    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public async Task ProcessAsync_LibMariaDbSignature_Accepts(string password, string scrambleHex, string signatureHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), Ed25519Credential.FromPassword(password).ToStoredCredential());
        var scramble = await exchange.BeginAsync(CancellationToken.None);
        Assert.Equal(scrambleHex, Convert.ToHexStringLower(scramble.Span));
        var step = await exchange.ProcessAsync(Convert.FromHexString(signatureHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public async Task ProcessAsync_SignatureWithOneBitFlipped_RejectsInvalidCredential(string password, string scrambleHex, string signatureHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), Ed25519Credential.FromPassword(password).ToStoredCredential());
        _ = await exchange.BeginAsync(CancellationToken.None);
        var signature = Convert.FromHexString(signatureHex);
        signature[5] ^= 0x10;
        var step = await exchange.ProcessAsync(signature, CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public async Task ProcessAsync_UnknownUserWithValidSignature_RejectsInvalidCredential(string password, string scrambleHex, string signatureHex)
    {
        _ = password;
        using var exchange = Start(Convert.FromHexString(scrambleHex), stored: null);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(Convert.FromHexString(signatureHex), CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_SignatureForAnotherScramble_RejectsInvalidCredential()
    {
        var stored = Ed25519Credential.FromPassword("secret").ToStoredCredential();
        using var exchange = Start([0x42], stored);
        var scramble = (await exchange.BeginAsync(CancellationToken.None)).ToArray();
        scramble[0] ^= 1;
        var signature = new byte[Ed25519Signature.SignatureLength];
        Ed25519Signature.Sign("secret"u8, scramble, signature);
        Assert.Equal(AuthErrorCode.InvalidCredential, (await exchange.ProcessAsync(signature, CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task BeginAsync_RandomBytes_SendsThemUnmasked()
    {
        // MariaDB's server plugin sends my_random_bytes as they are: no 7-bit mask, NUL and 0xFF allowed.
        using var exchange = Start([0x00, 0xFF, 0x24, 0x80], stored: null);
        var scramble = (await exchange.BeginAsync(CancellationToken.None)).ToArray();
        Assert.Equal(Ed25519Signature.ScrambleLength, scramble.Length);
        Assert.Equal(new byte[] { 0x00, 0xFF, 0x24, 0x80 }, scramble[..4]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(4096)]
    public async Task ProcessAsync_ReplyOfWrongLength_RejectsProtocolViolation(int length)
    {
        using var exchange = Start([0x41], Ed25519Credential.FromPassword("secret").ToStoredCredential());
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[length], CancellationToken.None);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EE1D")]
    [InlineData("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY=")]
    public async Task ProcessAsync_MalformedStoredCredential_RejectsInvalidStoredCredential(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        using var exchange = Start([0x41], StoredCredential.FromString(stored));
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[64], CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, step.Reason);
        if (stored.Length > 0)
        {
            Assert.DoesNotContain(stored, step.Detail ?? string.Empty, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ProcessAsync_StoredKeyThatIsNoCurvePoint_RejectsInvalidCredential()
    {
        // y = 2 has no x on edwards25519: well-formed base64, but nothing can verify under it.
        var notAPoint = new byte[32];
        notAPoint[0] = 2;
        var stored = StoredCredential.FromString(Convert.ToBase64String(notAPoint).TrimEnd('='));
        using var exchange = Start([0x41], stored);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[64], CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_SecondReply_RejectsProtocolViolation()
    {
        using var exchange = Start([0x41], Ed25519Credential.FromPassword("secret").ToStoredCredential());
        var scramble = await exchange.BeginAsync(CancellationToken.None);
        var signature = new byte[Ed25519Signature.SignatureLength];
        Ed25519Signature.Sign(Encoding.UTF8.GetBytes("secret"), scramble.Span, signature);
        Assert.Equal(VerifierStepKind.Accept, (await exchange.ProcessAsync(signature, CancellationToken.None)).Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, (await exchange.ProcessAsync(signature, CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task ProcessAsync_BeforeBegin_RejectsProtocolViolation()
    {
        using var exchange = Start([0x41], Ed25519Credential.FromPassword("secret").ToStoredCredential());
        Assert.Equal(AuthErrorCode.ProtocolViolation, (await exchange.ProcessAsync(new byte[64], CancellationToken.None)).Reason);
    }

    [Fact]
    public void Verifier_Properties_MatchMariaDb()
    {
        var verifier = new Ed25519Verifier();
        Assert.Equal("client_ed25519", verifier.Name);
        Assert.True(verifier.UsesServerStoredPassword);
    }

    private static IVerifierExchange Start(byte[] random, StoredCredential? stored)
    {
        var context = new VerifierContext(Ed25519PluginNames.ClientEd25519, Ed25519PluginNames.ClientEd25519, 1, TransportSecurity.None, new FixedCredentialSource("alice", stored))
        {
            Random = new FixedRandomSource(random),
        };
        return new Ed25519Verifier().Start(context);
    }
}
