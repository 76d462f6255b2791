using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>The client plugin driven sans-I/O through the engine's negotiator.</summary>
public sealed class CachingSha2ClientTests
{
    private const string Scramble = "0a2f4a6f4b492230584c724a250d035052021715";
    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };
    private static readonly TransportSecurity UnverifiedTls = new() { IsEncrypted = true, IsCertificateVerified = false };
    private static readonly TransportSecurity TrustedLocal = new() { IsTrustedLocal = true };

    [Theory]
    [MemberData(nameof(MySqlVectors.FastResponses), MemberType = typeof(MySqlVectors))]
    public async Task HandleAsync_BeginWithPublishedScramble_SendsPublishedFastResponse(string password, string scrambleHex, string expectedHex)
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", password);
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        var action = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(scrambleHex)));
        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(action.Data.Span));
    }

    [Fact]
    public async Task HandleAsync_EmptyPassword_SendsEmptyResponse()
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", string.Empty);
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        var action = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal(0, action.Data.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(32)]
    public async Task HandleAsync_BeginWithWrongScrambleLength_ThrowsProtocolViolation(int length)
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, new byte[length])));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_FastAuthSuccessThenOk_Completes()
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        Assert.Equal(AuthActionKind.None, (await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x03 }))).Kind);
        Assert.Equal(AuthActionKind.Completed, (await negotiator.HandleAsync(AuthEvent.Succeeded())).Kind);
    }

    [Fact]
    public async Task HandleAsync_SucceededCarryingFastAuthMarker_Completes()
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        Assert.Equal(AuthActionKind.Completed, (await negotiator.HandleAsync(AuthEvent.Succeeded(new byte[] { 0x03 }))).Kind);
    }

    [Theory]
    [InlineData(new byte[] { 0x07 })]
    [InlineData(new byte[] { 0x03, 0x00 })]
    public async Task HandleAsync_SucceededWithUnexpectedData_ThrowsProtocolViolation(byte[] finalData)
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Succeeded(finalData)));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0x04, 0x04 })]
    public async Task HandleAsync_UnknownAuthMoreData_ThrowsProtocolViolation(byte[] data)
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, VerifiedTls);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Continue(data)));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverVerifiedTls_SendsPasswordAndNul()
    {
        var action = await FullAuthAsync(Services(), VerifiedTls);
        Assert.Equal("secret\0"u8.ToArray(), action.Data.ToArray());
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverTrustedLocalSocket_SendsPasswordAndNul()
    {
        var action = await FullAuthAsync(Services(), TrustedLocal);
        Assert.Equal("secret\0"u8.ToArray(), action.Data.ToArray());
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverUnverifiedTls_RefusesCleartextWithPolicyViolation()
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => FullAuthAsync(Services(), UnverifiedTls));
        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Contains("cleartext", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverUnverifiedTlsWithGateOpened_SendsPassword()
    {
        // The decision is the engine's single gate, not the plugin's own.
        var action = await FullAuthAsync(Services(handshake: o => o.AllowCleartextWithoutVerifiedTls = true), UnverifiedTls);
        Assert.Equal("secret\0"u8.ToArray(), action.Data.ToArray());
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverPlainWithoutKeyOrRetrieval_ThrowsPolicyViolationNamingAllowPublicKeyRetrieval()
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => FullAuthAsync(Services(), TransportSecurity.None));
        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Contains("AllowPublicKeyRetrieval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverPlainWithConfiguredKey_SendsRsaOaepOfPasswordXorScramble()
    {
        var action = await FullAuthAsync(Services(o => o.ServerPublicKeyPem = TestKeys.ServerPublicPem), TransportSecurity.None);
        Assert.Equal(256, action.Data.Length);
        Assert.Equal("secret\0"u8.ToArray(), Decrypt(action.Data.ToArray()));
    }

    [Fact]
    public async Task HandleAsync_FullAuthOverPlainWithRetrieval_RequestsKeyThenSendsRsaOaep()
    {
        await using var sp = Services(o => o.AllowPublicKeyRetrieval = true);
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        var request = await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 }));
        Assert.Equal(new byte[] { 0x02 }, request.Data.ToArray());
        var action = await negotiator.HandleAsync(AuthEvent.Continue(Encoding.ASCII.GetBytes(TestKeys.ServerPublicPem)));
        Assert.Equal("secret\0"u8.ToArray(), Decrypt(action.Data.ToArray()));
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("")]
    public async Task HandleAsync_RetrievedKeyNotPem_ThrowsProtocolViolation(string pem)
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => RetrieveAsync(Encoding.ASCII.GetBytes(pem)));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_RetrievedKeyOversized_ThrowsProtocolViolation()
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => RetrieveAsync(new byte[(16 * 1024) + 1]));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_RetrievedKeyWeakerThan2048Bits_ThrowsPolicyViolation()
    {
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => RetrieveAsync(Encoding.ASCII.GetBytes(TestKeys.WeakPublicPem)));
        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_BinarySecret_ThrowsMissingCredential()
    {
        await using var sp = Services();
        using var credentials = new AuthCredentials("alice", AuthSecret.FromBytes(new byte[32]));
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble))));
        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
    }

    [Fact]
    public async Task HandleAsync_DataAfterFullAuth_ThrowsProtocolViolation()
    {
        await using var sp = Services();
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, VerifiedTls);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        _ = await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 }));
        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 })));
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("weak")]
    public async Task Options_InvalidServerPublicKey_FailValidation(string which)
    {
        var pem = which == "weak" ? TestKeys.WeakPublicPem : which;
        await using var sp = Services(o => o.ServerPublicKeyPem = pem);
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<CachingSha2Options>>().Get(CachingSha2PluginNames.CachingSha2Password));
        Assert.Contains("ServerPublicKeyPem", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<AuthAction> FullAuthAsync(ServiceProvider sp, TransportSecurity transport)
    {
        await using (sp)
        {
            using var credentials = AuthCredentials.FromPasswords("alice", "secret");
            using var negotiator = Create(sp, credentials, transport);
            _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
            var action = await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 }));
            Assert.Equal(AuthActionKind.Send, action.Kind);
            return AuthAction.Send(action.PluginName!, action.Data.ToArray());
        }
    }

    private static async Task RetrieveAsync(byte[] pem)
    {
        await using var sp = Services(o => o.AllowPublicKeyRetrieval = true);
        using var credentials = AuthCredentials.FromPasswords("alice", "secret");
        using var negotiator = Create(sp, credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin(CachingSha2PluginNames.CachingSha2Password, Convert.FromHexString(Scramble)));
        _ = await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 }));
        _ = await negotiator.HandleAsync(AuthEvent.Continue(pem));
    }

    private static byte[] Decrypt(byte[] ciphertext)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(TestKeys.ServerPrivatePem);
        var plain = rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA1);
        var scramble = Convert.FromHexString(Scramble);
        for (var i = 0; i < plain.Length; i++)
        {
            plain[i] ^= scramble[i % scramble.Length];
        }

        return plain;
    }

    private static ServiceProvider Services(Action<CachingSha2Options>? configure = null, Action<HandshakeOptions>? handshake = null)
    {
        var services = new ServiceCollection();
        services.AddHandshake(handshake).AddCachingSha2(configure);
        return services.BuildServiceProvider();
    }

    private static AuthNegotiator Create(ServiceProvider sp, AuthCredentials credentials, TransportSecurity transport) =>
        sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);
}
