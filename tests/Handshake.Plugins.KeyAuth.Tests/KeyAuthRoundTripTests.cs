using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class KeyAuthRoundTripTests
{
    [Theory]
    [InlineData("p256", false)]
    [InlineData("p384", false)]
    [InlineData("rsa", false)]
    [InlineData("p256", true)]
    [InlineData("p384", true)]
    [InlineData("rsa", true)]
    public async Task RunAsync_EachKeyTypeOverInMemoryHandshake_Succeeds(string type, bool storedAsAuthorizedKeys)
    {
        var key = TestKeys.Get(type);
        var stored = storedAsAuthorizedKeys ? TestKeys.AuthorizedKeysLine(key) : TestKeys.PublicPem(key);
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(key), stored);

        var result = await Engine.RunAsync(sp);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, result.ServerResult!.Factors[0].PluginName);
    }

    [Theory]
    [InlineData("p256")]
    [InlineData("p384")]
    [InlineData("rsa")]
    public async Task RunAsync_MultiRoundModeWithSeveralKeys_ClientPicksItsKeyAndSucceeds(string type)
    {
        var key = TestKeys.Get(type);
        var stored = string.Join('\n', TestKeys.AuthorizedKeysLine(TestKeys.OtherP256), "# laptop", TestKeys.PublicPem(key));
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(key), stored, s => s.AdvertiseKeys = true);

        var result = await Engine.RunAsync(sp);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(2, result.ServerResult!.Factors[0].Rounds);
    }

    [Fact]
    public async Task RunAsync_MultiRoundModeWithoutMatchingKey_ClientFailsKeyUnavailable()
    {
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), TestKeys.AuthorizedKeysLine(TestKeys.OtherP256), s => s.AdvertiseKeys = true);

        var result = await Engine.RunAsync(sp);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.KeyUnavailable, result.ClientError?.Code);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, result.ClientError?.PluginName);
    }

    [Fact]
    public async Task RunAsync_WithTlsServerCertificateOnBothSides_SucceedsWithChannelBinding()
    {
        using var cert = TestKeys.SelfSignedCertificate(System.Security.Cryptography.HashAlgorithmName.SHA384);
        var tls = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = cert };
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), TestKeys.PublicPem(TestKeys.P256));

        var result = await Engine.RunAsync(sp, client: tls, server: tls);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
    }

    [Fact]
    public async Task RunAsync_UnknownUser_FailsLikeBadSignature()
    {
        await using var sp = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256), TestKeys.PublicPem(TestKeys.P256));
        await using var wrongKey = Engine.Build(o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.OtherP256), TestKeys.PublicPem(TestKeys.P256));

        var unknown = await Engine.RunAsync(sp, user: "mallory");
        var badSignature = await Engine.RunAsync(wrongKey);

        Assert.False(unknown.Succeeded);
        Assert.Equal(AuthErrorCode.InvalidCredential, unknown.ServerFailureReason);
        Assert.Equal(badSignature.ServerFailureReason, unknown.ServerFailureReason);
        Assert.Equal(AuthErrorCode.ServerRejected, unknown.ClientError?.Code);
        Assert.Equal(badSignature.ClientError?.Code, unknown.ClientError?.Code);
    }

    [Fact]
    public async Task RunAsync_KeyAuthAsSecondFactorAfterPassword_Succeeds()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            // A stand-in first factor: its echo plays a password proof, so it is declared Derived to run on any transport.
            .AddPlugin("password", AuthSecretUse.Derived, ctx => (data, ct) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray()))
            .AddVerifier("password", ctx => async (data, ct) =>
            {
                var stored = await ctx.GetStoredCredentialAsync(ct);
                return stored is not null && Encoding.UTF8.GetString(data.Span) == stored.Value ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential);
            })
            .AddKeyAuth(o => o.PrivateKeyPem = TestKeys.EncryptedPrivatePem(TestKeys.P384, "key-pass"))
            .AddKeyAuthVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "password")
            .AddInMemoryCredentialStore(s => s.AddUser(
                "alice",
                new AuthFactorPolicy("password", StoredCredential.FromString("pw")),
                new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(TestKeys.AuthorizedKeysLine(TestKeys.P384)))));
        await using var sp = services.BuildServiceProvider();

        // Factor 2's secret (password2) unlocks the encrypted key, as mysql2 passes password2 to the factor-2 plugin.
        var result = await Engine.RunAsync(sp, passwords: ["pw", "key-pass"]);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(2, result.ServerResult!.AssuranceLevel);
        Assert.Equal(KeyAuthPluginNames.SshKeyAuth, result.ServerResult.Factors[1].PluginName);
    }

    [Fact]
    public async Task AddKeyAuth_SeveralNames_RegistersEachPluginWithItsOwnKey()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddKeyAuth("key-a", o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.OtherP256))
            .AddKeyAuth("key-b", o => o.PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256))
            .AddKeyAuthVerifier("key-b", configure: null)
            .AddAcceptor(o => o.DefaultPlugin = "key-b")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("key-b", StoredCredential.FromString(TestKeys.PublicPem(TestKeys.P256)))));
        await using var sp = services.BuildServiceProvider();

        var result = await Engine.RunAsync(sp);

        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal(2, sp.GetServices<IAuthPlugin>().Count(p => p.Name.StartsWith("key-", StringComparison.Ordinal)));
    }
}
