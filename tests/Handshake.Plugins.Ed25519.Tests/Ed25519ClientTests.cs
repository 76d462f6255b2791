using System.Security.Cryptography;
using System.Text;
using NSubstitute;

namespace Handshake.Plugins.Ed25519.Tests;

/// <summary>The client exchange on its own, fed what a MariaDB server sends.</summary>
public sealed class Ed25519ClientTests
{
    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public async Task RespondAsync_MariaDbScramble_SendsLibMariaDbsSignature(string password, string scrambleHex, string signatureHex)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", password);
        using var exchange = Start(credentials);
        var reply = await exchange.RespondAsync(Convert.FromHexString(scrambleHex), CancellationToken.None);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(reply.Data.Span));
    }

    [Theory]
    [MemberData(nameof(MariaDbEd25519Vectors.Signatures), MemberType = typeof(MariaDbEd25519Vectors))]
    public async Task RespondAsync_BinarySecretHoldingSha512OfPassword_SendsTheSameSignature(string password, string scrambleHex, string signatureHex)
    {
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(SHA512.HashData(Encoding.UTF8.GetBytes(password))));
        using var exchange = Start(credentials);
        var reply = await exchange.RespondAsync(Convert.FromHexString(scrambleHex), CancellationToken.None);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(reply.Data.Span));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(33)]
    [InlineData(65536)]
    public async Task RespondAsync_ScrambleOfWrongLength_ThrowsProtocolViolation(int length)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var exchange = Start(credentials);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(new byte[length], CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Equal(Ed25519PluginNames.ClientEd25519, ex.PluginName);
        Assert.Contains("32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RespondAsync_SecondRound_ThrowsProtocolViolation()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var exchange = Start(credentials);
        _ = await exchange.RespondAsync(new byte[32], CancellationToken.None);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(new byte[32], CancellationToken.None).AsTask());
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(32)]
    [InlineData(63)]
    public void Start_BinarySecretOfWrongLength_ThrowsMissingCredential(int length)
    {
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(new byte[length]));
        var ex = Assert.Throws<HandshakeException>(() => Start(credentials));
        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
        Assert.Contains("64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NoSecret_ThrowsMissingCredential()
    {
        using var credentials = new AuthCredentials("alice");
        var ex = Assert.Throws<HandshakeException>(() => Start(credentials));
        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
    }

    [Fact]
    public async Task Dispose_AfterReply_WipesTheReplyBuffer()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        var exchange = Start(credentials);
        var reply = await exchange.RespondAsync(new byte[32], CancellationToken.None);
        Assert.Contains(reply.Data.ToArray(), b => b != 0);
        exchange.Dispose();
        Assert.All(reply.Data.ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void OnServerAccepted_AfterReply_DoesNotThrow()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "pw");
        using var exchange = Start(credentials);
        exchange.OnServerAccepted(ReadOnlyMemory<byte>.Empty);
    }

    private static IAuthExchange Start(AuthCredentials credentials) =>
        new Ed25519Plugin().Start(new AuthExchangeContext(Ed25519PluginNames.ClientEd25519, 1, credentials, TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>()));
}
