using System.Text;

namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>The verifier exchange on its own, with a pinned scramble.</summary>
public sealed class NativePasswordVerifierTests
{
    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_PublishedResponse_Accepts(string password, string scrambleHex, string responseHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), NativePasswordCredential.FromPassword(password).ToStoredCredential());
        var scramble = await exchange.BeginAsync(CancellationToken.None);

        // The wire form: the scramble and MySQL's trailing NUL, which the verifier adds (the adapter sends it as is).
        Assert.Equal(scrambleHex + "00", Convert.ToHexStringLower(scramble.Span));
        var step = await exchange.ProcessAsync(Convert.FromHexString(responseHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_ResponseWithOneBitFlipped_RejectsInvalidCredential(string password, string scrambleHex, string responseHex)
    {
        using var exchange = Start(Convert.FromHexString(scrambleHex), NativePasswordCredential.FromPassword(password).ToStoredCredential());
        _ = await exchange.BeginAsync(CancellationToken.None);
        var response = Convert.FromHexString(responseHex);
        response[^1] ^= 1;
        var step = await exchange.ProcessAsync(response, CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task ProcessAsync_UnknownUserWithPublishedResponse_RejectsInvalidCredential(string password, string scrambleHex, string responseHex)
    {
        _ = password;
        using var exchange = Start(Convert.FromHexString(scrambleHex), stored: null);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(Convert.FromHexString(responseHex), CancellationToken.None);
        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_UnknownUserWithEmptyToken_RejectsInvalidCredential()
    {
        using var exchange = Start(new byte[] { 0x41 }, stored: null);
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task BeginAsync_RandomBytesWithNulDollarAndHighBit_ProducesMySqlScramble()
    {
        // 0x00 -> 0x01, '$' -> '%', 0x80 -> 0x01 (masked to NUL, then moved), 0xA4 -> '%' (masked to '$', then moved), 0xFF -> 0x7F.
        using var exchange = Start(new byte[] { 0x00, 0x24, 0x80, 0xA4, 0xFF }, stored: null);
        var scramble = (await exchange.BeginAsync(CancellationToken.None)).ToArray();
        Assert.Equal(NativePasswordScramble.ScrambleLength + 1, scramble.Length);
        Assert.Equal(0, scramble[^1]);
        Assert.Equal(new byte[] { 0x01, 0x25, 0x01, 0x25, 0x7F }, scramble[..5]);
        Assert.DoesNotContain((byte)0, scramble[..^1]);
        Assert.DoesNotContain((byte)'$', scramble);
    }

    [Fact]
    public async Task ProcessAsync_EmptyPasswordAccountAndEmptyToken_Accepts()
    {
        using var exchange = Start(new byte[] { 0x41 }, StoredCredential.FromString(string.Empty));
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Fact]
    public async Task ProcessAsync_EmptyPasswordAccountAndNonEmptyToken_Rejects()
    {
        using var exchange = Start(new byte[] { 0x41 }, StoredCredential.FromString(string.Empty));
        var scramble = await exchange.BeginAsync(CancellationToken.None);
        var token = new byte[20];
        _ = NativePasswordScramble.ComputeResponse("x"u8, scramble.Span, token);
        var step = await exchange.ProcessAsync(token, CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_AccountWithPasswordAndEmptyToken_Rejects()
    {
        using var exchange = Start(new byte[] { 0x41 }, NativePasswordCredential.FromPassword("secret").ToStoredCredential());
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(4096)]
    public async Task ProcessAsync_TokenOfWrongLength_RejectsProtocolViolation(int length)
    {
        using var exchange = Start(new byte[] { 0x41 }, NativePasswordCredential.FromPassword("secret").ToStoredCredential());
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[length], CancellationToken.None);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Theory]
    [InlineData("*14E65567ABDB5135D0CFD9A70B3032C179A49EE")]
    [InlineData("secret")]
    public async Task ProcessAsync_MalformedStoredCredential_RejectsInvalidStoredCredential(string stored)
    {
        using var exchange = Start(new byte[] { 0x41 }, StoredCredential.FromString(stored));
        _ = await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(new byte[20], CancellationToken.None);
        Assert.Equal(AuthErrorCode.InvalidStoredCredential, step.Reason);
        Assert.DoesNotContain(stored, step.Detail ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_SecondResponse_RejectsProtocolViolation()
    {
        var password = Encoding.UTF8.GetBytes("secret");
        using var exchange = Start(new byte[] { 0x41 }, NativePasswordCredential.FromPassword("secret").ToStoredCredential());
        var scramble = await exchange.BeginAsync(CancellationToken.None);
        var token = new byte[20];
        _ = NativePasswordScramble.ComputeResponse(password, scramble.Span, token);
        Assert.Equal(VerifierStepKind.Accept, (await exchange.ProcessAsync(token, CancellationToken.None)).Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, (await exchange.ProcessAsync(token, CancellationToken.None)).Reason);
    }

    [Fact]
    public void UsesServerStoredPassword_IsTrue()
    {
        Assert.True(new NativePasswordVerifier().UsesServerStoredPassword);
    }

    private static IVerifierExchange Start(byte[] random, StoredCredential? stored)
    {
        var context = new VerifierContext(NativePasswordPluginNames.MySqlNativePassword, NativePasswordPluginNames.MySqlNativePassword, 1, TransportSecurity.None, new FixedCredentialSource("alice", stored))
        {
            Random = new FixedRandomSource(random),
        };
        return new NativePasswordVerifier().Start(context);
    }
}
