using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Tests;

/// <summary>
/// The cleartext gate holds for every plugin, whether or not it asks: a plugin that declares
/// <see cref="AuthSecretUse.Cleartext"/> is not started where the gate refuses, and one that declares
/// nothing gets no secret there. mysql_clear_password is the case in point (MySqlConnector GHSA-473q-m89c-ghf8).
/// </summary>
public sealed class CleartextGateTests
{
    private const string Password = "hunter2-clear";

    public static TheoryData<string> RefusedTransports => ["plain", "unverified-tls"];

    public static TheoryData<string, bool> AllowedTransports => new() { { "verified-tls", false }, { "trusted-local", false }, { "plain", true }, { "unverified-tls", true } };

    [Theory]
    [MemberData(nameof(RefusedTransports))]
    public async Task HandleAsync_DeclaredCleartextDelegate_IsNotStartedWhereTheGateRefuses(string transport)
    {
        var started = 0;
        await using var host = new TestHost(b => b.AddPlugin("mysql_clear_password", AuthSecretUse.Cleartext, ctx =>
        {
            started++;
            var secret = ctx.RequireSecret().Bytes.ToArray();
            return (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(secret);
        }));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, Transport(transport));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("mysql_clear_password")).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Equal("mysql_clear_password", ex.PluginName);
        Assert.Equal(0, started);
        Assert.Contains("AllowCleartextWithoutVerifiedTls", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RefusedTransports))]
    public async Task HandleAsync_UndeclaredDelegateReadingTheSecret_GetsNoneWhereTheGateRefuses(string transport)
    {
        // The finding as reported: a delegate that never asks the gate and hands out the password.
        var replied = false;
        await using var host = new TestHost(b => b.AddPlugin("mysql_clear_password", ctx => (_, _) =>
        {
            var secret = ctx.RequireSecret().Bytes.ToArray();
            replied = true;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(secret);
        }));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, Transport(transport));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin("mysql_clear_password")).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.False(replied);
        Assert.Contains("AuthSecretUse.Derived", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AuthNegotiatorState.Failed, negotiator.State);
    }

    [Theory]
    [MemberData(nameof(RefusedTransports))]
    public async Task HandleAsync_DeclaredCleartextClass_IsNotStartedWhereTheGateRefuses(string transport)
    {
        var plugin = new ClearPlugin(AuthSecretUse.Cleartext);
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, Transport(transport));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(ClearPlugin.PluginName)).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Equal(0, plugin.Started);
    }

    [Theory]
    [MemberData(nameof(RefusedTransports))]
    public async Task HandleAsync_UndeclaredClass_SeesNoSecretInAnySlotWhereTheGateRefuses(string transport)
    {
        var plugin = new ClearPlugin(AuthSecretUse.Unspecified);
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var credentials = AuthCredentials.FromPasswords("alice", Password, "second");
        using var negotiator = host.Negotiator(credentials, Transport(transport));

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Begin(ClearPlugin.PluginName)).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        var context = Assert.Single(plugin.Contexts);
        Assert.True(context.IsSecretWithheld);
        Assert.Null(context.Secret);
        Assert.Null(context.Credentials.GetSecret(1));
        Assert.Null(context.Credentials.GetSecret(2));
        Assert.Equal("alice", context.UserName);
    }

    [Theory]
    [MemberData(nameof(AllowedTransports))]
    public async Task HandleAsync_CleartextDelegateAndClass_RunWhereTheGateAllows(string transport, bool optIn)
    {
        var plugin = new ClearPlugin(AuthSecretUse.Cleartext);
        await using var host = new TestHost(
            b => b.AddPlugin(plugin).AddPlugin("mysql_clear_password", AuthSecretUse.Cleartext, ctx =>
            {
                var secret = ctx.RequireSecret().Bytes.ToArray();
                return (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(secret);
            }),
            o => o.AllowCleartextWithoutVerifiedTls = optIn);
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var first = host.Negotiator(credentials, Transport(transport));
        using var second = host.Negotiator(credentials, Transport(transport));

        var fromDelegate = await first.HandleAsync(AuthEvent.Begin("mysql_clear_password"));
        var fromClass = await second.HandleAsync(AuthEvent.Begin(ClearPlugin.PluginName));

        Assert.Equal(Password, Encoding.UTF8.GetString(fromDelegate.Data.Span));
        Assert.Equal(Password, Encoding.UTF8.GetString(fromClass.Data.Span));
        Assert.Equal(1, plugin.Started);
    }

    [Theory]
    [MemberData(nameof(AllowedTransports))]
    public async Task HandleAsync_UndeclaredDelegate_GetsTheSecretWhereTheGateAllows(string transport, bool optIn)
    {
        await using var host = new TestHost(
            b => b.AddPlugin("mysql_clear_password", ctx => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ctx.RequireSecret().Bytes.ToArray())),
            o => o.AllowCleartextWithoutVerifiedTls = optIn);
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, Transport(transport));

        var action = await negotiator.HandleAsync(AuthEvent.Begin("mysql_clear_password"));

        Assert.Equal(Password, Encoding.UTF8.GetString(action.Data.Span));
    }

    [Fact]
    public async Task HandleAsync_DerivedDelegateOnPlainTransport_GetsTheSecret()
    {
        await using var host = new TestHost(b => b.AddPlugin("hash-it", AuthSecretUse.Derived, ctx => (_, _) =>
            ValueTask.FromResult<ReadOnlyMemory<byte>>(SHA256.HashData(ctx.RequireSecret().Bytes))));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, TransportSecurity.None);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("hash-it"));

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(Password)), action.Data.ToArray());
    }

    [Fact]
    public async Task HandleAsync_UndeclaredDelegateWithoutSecret_RunsOnPlainTransport()
    {
        // A plugin that never reads the factor's secret (a key from a vault) is not held back.
        await using var host = new TestHost(b => b.AddPlugin("vault-key", _ => (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 1, 2, 3 })));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, TransportSecurity.None);

        var action = await negotiator.HandleAsync(AuthEvent.Begin("vault-key"));

        Assert.Equal(AuthActionKind.Send, action.Kind);
    }

    [Fact]
    public async Task HandleAsync_OfferWithCleartextPluginOnPlainTransport_IsRefusedBeforeStart()
    {
        var plugin = new ClearPlugin(AuthSecretUse.Cleartext);
        await using var host = new TestHost(b => b.AddPlugin(plugin));
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        using var negotiator = host.Negotiator(credentials, TransportSecurity.None);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => negotiator.HandleAsync(AuthEvent.Offer([ClearPlugin.PluginName])).AsTask());

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Equal(0, plugin.Started);
    }

    [Fact]
    public void AddPlugin_UndefinedSecretUse_IsRefused()
    {
        var builder = new ServiceCollection().AddHandshake();
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddPlugin("x", (AuthSecretUse)42, _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty)).Services);
    }

    private static TransportSecurity Transport(string name) => name switch
    {
        "plain" => TransportSecurity.None,
        "unverified-tls" => new TransportSecurity { IsEncrypted = true },
        "verified-tls" => new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true },
        "trusted-local" => new TransportSecurity { IsTrustedLocal = true },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>A class plugin that sends its factor's secret as it is.</summary>
    private sealed class ClearPlugin(AuthSecretUse secretUse) : IAuthPlugin
    {
        public const string PluginName = "clear-class";

        public string Name => PluginName;

        public AuthSecretUse SecretUse => secretUse;

        public int Started { get; private set; }

        public List<AuthExchangeContext> Contexts { get; } = [];

        public IAuthExchange Start(AuthExchangeContext context)
        {
            Started++;
            Contexts.Add(context);
            return new Exchange(context);
        }

        private sealed class Exchange(AuthExchangeContext context) : IAuthExchange
        {
            public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken) =>
                ValueTask.FromResult(AuthReply.Send(context.RequireSecret().Bytes.ToArray()));

            public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
