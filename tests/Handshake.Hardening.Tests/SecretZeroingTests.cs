using System.Security.Cryptography;
using System.Text;
using Handshake.Mfa;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Handshake.Hardening.Tests;

/// <summary>
/// Derived secrets are wiped when an exchange ends, checked through the exchange's own buffers: the
/// memory a client exchange handed out as its reply (a proof, a scramble response, a cleartext
/// password, a TOTP code, a bearer token) must read as zeros once the exchange is disposed. The reply
/// is not copied here, so the assertion sees exactly what the plugin still holds.
/// </summary>
public sealed class SecretZeroingTests
{
    private const string User = "zeroing-user";
    private const string Password = "correct horse battery staple";

    // RFC 6238's SHA-1 test secret.
    private const string TotpSecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    [Fact]
    public async Task NativePassword_Dispose_WipesTheScrambleResponse()
    {
        await using var sp = Services(b => b.AddNativePassword());
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var exchange = Start(sp, NativePasswordPluginNames.MySqlNativePassword, credentials, TransportSecurity.None);

        var reply = await exchange.RespondAsync(RandomNumberGenerator.GetBytes(20), CancellationToken.None);

        AssertWipedAfterDispose(exchange, reply.Data);
    }

    [Fact]
    public async Task CachingSha2_Dispose_WipesTheFastPathResponse()
    {
        await using var sp = Services(b => b.AddCachingSha2());
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var exchange = Start(sp, CachingSha2PluginNames.CachingSha2Password, credentials, VerifiedTls);

        var reply = await exchange.RespondAsync(RandomNumberGenerator.GetBytes(20), CancellationToken.None);

        AssertWipedAfterDispose(exchange, reply.Data);
    }

    [Fact]
    public async Task CachingSha2_Dispose_WipesTheCleartextPasswordOfTheFullPath()
    {
        await using var sp = Services(b => b.AddCachingSha2());
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var exchange = Start(sp, CachingSha2PluginNames.CachingSha2Password, credentials, VerifiedTls);
        var scrambleReply = await exchange.RespondAsync(RandomNumberGenerator.GetBytes(20), CancellationToken.None);

        // 0x04: perform full authentication; over verified TLS the client sends the password itself.
        var reply = await exchange.RespondAsync(new byte[] { 0x04 }, CancellationToken.None);
        Assert.StartsWith(Password, Encoding.UTF8.GetString(reply.Data.Span), StringComparison.Ordinal);

        exchange.Dispose();
        AssertAllZero(reply.Data);
        AssertAllZero(scrambleReply.Data);
    }

    [Fact]
    public async Task Scram_Dispose_WipesTheClientFinalWithItsProof()
    {
        await using var sp = Services(b => b.AddScram());
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var exchange = Start(sp, "SCRAM-SHA-256", credentials, TransportSecurity.None);
        var first = await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        var clientNonce = Encoding.ASCII.GetString(first.Data.Span)[(Encoding.ASCII.GetString(first.Data.Span).IndexOf(",r=", StringComparison.Ordinal) + 3)..];

        var reply = await exchange.RespondAsync(Encoding.ASCII.GetBytes($"r={clientNonce}server,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), CancellationToken.None);
        Assert.Contains(",p=", Encoding.ASCII.GetString(reply.Data.Span), StringComparison.Ordinal);

        AssertWipedAfterDispose(exchange, reply.Data);
    }

    [Fact]
    public async Task Totp_Dispose_WipesTheCodeItSent()
    {
        await using var sp = Services(b => b.AddTotp());
        using var credentials = AuthCredentials.FromPasswords(User, Password, TotpSecretBase32);
        var exchange = Start(sp, TotpPluginNames.Totp, credentials, VerifiedTls, factor: 2);

        var reply = await exchange.RespondAsync("Enter the 6-digit code"u8.ToArray(), CancellationToken.None);
        Assert.Equal(6, reply.Data.Length);

        AssertWipedAfterDispose(exchange, reply.Data);
    }

    [Fact]
    public async Task Resume_Dispose_WipesTheTokenItPresented()
    {
        var cache = new InMemoryResumeTokenCache();
        using (var token = new ResumeToken(RandomNumberGenerator.GetBytes(ResumeToken.Length)))
        {
            cache.Store("db1:5432", User, token);
        }

        await using var sp = Services(b =>
        {
            b.Services.AddSingleton<IResumeTokenCache>(cache);
            b.AddResume(o => o.ServerIdentity = "db1:5432");
        });
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var exchange = Start(sp, ResumePluginNames.Resume, credentials, VerifiedTls);

        var reply = await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Equal(ResumeToken.Length, reply.Data.Length);

        AssertWipedAfterDispose(exchange, reply.Data);
    }

    private static ServiceProvider Services(Action<IHandshakeBuilder> register)
    {
        var services = new ServiceCollection();
        register(services.AddHandshake());
        return services.BuildServiceProvider();
    }

    private static IAuthExchange Start(IServiceProvider sp, string name, AuthCredentials credentials, TransportSecurity transport, int factor = 1)
    {
        var plugin = sp.GetServices<IAuthPlugin>().Single(p => p.Name == name || (name.StartsWith("SCRAM", StringComparison.Ordinal) && p.Name.StartsWith("SCRAM", StringComparison.Ordinal) && !p.Name.EndsWith("PLUS", StringComparison.Ordinal)));

        // The policy is a seam here: the engine's cleartext gate is tested elsewhere (AttackCatalogueTests).
        var context = new AuthExchangeContext(name, factor, credentials, transport, Substitute.For<IAuthSecurityPolicy>()) { Services = sp };
        return plugin.Start(context);
    }

    private static void AssertWipedAfterDispose(IAuthExchange exchange, ReadOnlyMemory<byte> reply)
    {
        Assert.Contains(reply.ToArray(), b => b != 0);
        exchange.Dispose();
        AssertAllZero(reply);
    }

    private static void AssertAllZero(ReadOnlyMemory<byte> data)
    {
        Assert.False(data.IsEmpty);
        Assert.True(data.Span.IndexOfAnyExcept((byte)0) < 0, $"{data.Length} bytes the exchange sent are not wiped after Dispose");
    }
}
