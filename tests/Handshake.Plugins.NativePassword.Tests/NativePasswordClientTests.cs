using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>The client plugin driven sans-I/O through the engine's negotiator.</summary>
public sealed class NativePasswordClientTests : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public NativePasswordClientTests()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddNativePassword();
        _services = services.BuildServiceProvider();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task HandleAsync_BeginWithPublishedScramble_SendsPublishedResponse(string password, string scrambleHex, string expectedHex)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", password);
        using var negotiator = Create(credentials);
        var action = await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, Convert.FromHexString(scrambleHex)));
        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(action.Data.Span));
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task HandleAsync_ScrambleWith21stNul_TrimsAndSendsPublishedResponse(string password, string scrambleHex, string expectedHex)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", password);
        using var negotiator = Create(credentials);
        var action = await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, (byte[])[.. Convert.FromHexString(scrambleHex), 0]));
        Assert.Equal(expectedHex, Convert.ToHexStringLower(action.Data.Span));
    }

    [Theory]
    [MemberData(nameof(MySqlVectors.NativeResponses), MemberType = typeof(MySqlVectors))]
    public async Task HandleAsync_PreHashedBinarySecret_SendsSameResponseAsPassword(string password, string scrambleHex, string expectedHex)
    {
#pragma warning disable CA5350 // mysql2's passwordSha1 is SHA1(pw) by definition
        var passwordSha1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
#pragma warning restore CA5350
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(passwordSha1));
        using var negotiator = Create(credentials);
        var action = await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, Convert.FromHexString(scrambleHex)));
        Assert.Equal(expectedHex, Convert.ToHexStringLower(action.Data.Span));
    }

    [Fact]
    public async Task HandleAsync_EmptyPassword_SendsEmptyToken()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", string.Empty);
        using var negotiator = Create(credentials);
        var action = await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, new byte[20]));
        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal(0, action.Data.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(22)]
    [InlineData(32)]
    public async Task HandleAsync_BeginWithWrongScrambleLength_ThrowsProtocolViolation(int length)
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(credentials);
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, new byte[length])));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Equal(NativePasswordPluginNames.MySqlNativePassword, ex.PluginName);
    }

    [Fact]
    public async Task HandleAsync_21ByteScrambleNotEndingInNul_ThrowsProtocolViolation()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(credentials);
        var scramble = Enumerable.Repeat((byte)'a', 21).ToArray();
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, scramble)));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_BinarySecretOfWrongLength_ThrowsMissingCredential()
    {
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(new byte[16]));
        using var negotiator = Create(credentials);
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, new byte[20])));
        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_ContinueAfterResponse_ThrowsProtocolViolation()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(credentials);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, new byte[20]));
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Continue(new byte[20])));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_NoPasswordForFactor_ThrowsMissingCredential()
    {
        using var credentials = new AuthCredentials("alice");
        using var negotiator = Create(credentials);
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Begin(NativePasswordPluginNames.MySqlNativePassword, new byte[20])));
        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
    }

    private AuthNegotiator Create(AuthCredentials credentials) =>
        _services.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
}
