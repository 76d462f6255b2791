using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Plugins.Scram.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>Our client against our verifier through the engine, over the in-memory transport.</summary>
public sealed class ScramEndToEndTests
{
    private static readonly string AliceCredential = ScramCredential.Create("correct horse", new PinnedRandom(7), 4096).Format();

    [Theory]
    [InlineData(AcceptorStartMode.Begin)]
    [InlineData(AcceptorStartMode.Offer)]
    public async Task RunAsync_RightPassword_BothSidesSucceed(AcceptorStartMode mode)
    {
        await using var sp = Build();
        var result = await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, mode);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal("SCRAM-SHA-256", result.ClientResult!.Factors[0].PluginName);
    }

    [Fact]
    public async Task RunAsync_WrongPassword_ClientServerRejectedAcceptorInvalidCredential()
    {
        await using var sp = Build();
        var result = await RunAsync(sp, "alice", "wrong", TransportSecurity.None, AcceptorStartMode.Offer);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.ServerRejected, result.ClientError!.Code);
        Assert.Equal(AuthErrorCode.InvalidCredential, result.ServerFailureReason);
    }

    [Fact]
    public async Task RunAsync_UnknownUser_FailsExactlyLikeWrongPassword()
    {
        await using var sp = Build();
        var wrong = await RunAsync(sp, "alice", "wrong", TransportSecurity.None, AcceptorStartMode.Offer);
        var unknown = await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Offer, serverUser: "nobody", clientUser: "nobody");
        Assert.Equal(wrong.ClientError!.Code, unknown.ClientError!.Code);
        Assert.Equal(wrong.ClientError.ServerErrorCode, unknown.ClientError.ServerErrorCode);
        Assert.Equal(wrong.ClientError.Message.Replace("alice", "nobody", StringComparison.Ordinal), unknown.ClientError.Message);
        Assert.Equal(wrong.ServerFailureReason, unknown.ServerFailureReason);
    }

    public static TheoryData<string> Certificates => ["RSA-SHA256", "ECDSA-SHA384"];

    [Theory]
    [MemberData(nameof(Certificates))]
    public async Task RunAsync_TlsWithCertificate_NegotiatesPlusOnBothSides(string kind)
    {
        using var cert = MakeCertificate(kind);
        await using var sp = Build();
        var result = await RunAsync(sp, "alice", "correct horse", Tls(cert), AcceptorStartMode.Offer);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal("SCRAM-SHA-256-PLUS", result.ClientResult!.Factors[0].PluginName);
    }

    [Theory]
    [MemberData(nameof(Certificates))]
    public async Task RunAsync_RequireWithPlus_Succeeds(string kind)
    {
        using var cert = MakeCertificate(kind);
        await using var sp = Build(o => o.ChannelBinding = ScramChannelBinding.Require);
        var result = await RunAsync(sp, "alice", "correct horse", Tls(cert), AcceptorStartMode.Offer);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
    }

    [Fact]
    public async Task RunAsync_ClientSeesDifferentCertificate_ChannelBindingFails()
    {
        // A man in the middle: the client's TLS ends at a different certificate than the server's.
        using var serverCert = MakeCertificate("RSA-SHA256");
        using var mitmCert = MakeCertificate("RSA-SHA256");
        await using var sp = Build();
        var result = await RunAsync(sp, "alice", "correct horse", Tls(mitmCert), AcceptorStartMode.Offer, serverSecurity: Tls(serverCert));
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, result.ServerFailureReason);
    }

    [Fact]
    public async Task HandleAsync_PlusStrippedFromOffer_ClientSendsYAndServerRejectsDowngrade()
    {
        // A man in the middle removes -PLUS from the server's offer: the client (Prefer) runs the
        // plain mechanism with 'y', and the server, which did offer -PLUS, refuses (RFC 5802 §6).
        using var cert = MakeCertificate("RSA-SHA256");
        await using var sp = Build();
        using var creds = AuthCredentials.FromPasswords("alice", "correct horse");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(creds, Tls(cert));
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(Tls(cert), AcceptorStartMode.Offer);

        var offer = await acceptor.StartAsync("alice");
        Assert.Equal(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], offer.Mechanisms);
        var first = await negotiator.HandleAsync(AuthEvent.Offer(["SCRAM-SHA-256"]));
        Assert.Equal("SCRAM-SHA-256", first.PluginName);
        Assert.StartsWith("y,,", Ascii(first.Data), StringComparison.Ordinal);

        var reply = await acceptor.HandleAsync(new AuthClientMessage(first.PluginName, first.Data, "alice"));
        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, acceptor.FailureReason);
    }

    [Fact]
    public async Task RunAsync_ClientRanksPlainAbovePlus_SendsNAndSucceeds()
    {
        using var cert = MakeCertificate("RSA-SHA256");
        await using var sp = Build(o =>
        {
            o.PlainPreference = 30;
            o.PlusPreference = 20;
        });
        var result = await RunAsync(sp, "alice", "correct horse", Tls(cert), AcceptorStartMode.Offer);
        Assert.True(result.Succeeded, result.ClientError?.ToString() ?? result.ServerFailureReason.ToString());
        Assert.Equal("SCRAM-SHA-256", result.ClientResult!.Factors[0].PluginName);
    }

    [Fact]
    public async Task RunAsync_RequireOverPlainTransport_NoMechanismChosen()
    {
        await using var sp = Build(o => o.ChannelBinding = ScramChannelBinding.Require);
        var result = await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Offer);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.NoMutualMechanism, result.ClientError!.Code);
    }

    [Fact]
    public async Task RunAsync_RequireAndServerNamesPlainMechanism_ChannelBindingFailure()
    {
        await using var sp = Build(o => o.ChannelBinding = ScramChannelBinding.Require);
        var result = await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Begin);
        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, result.ClientError!.Code);
    }

    [Fact]
    public async Task RunAsync_WarmDerivedKeyCache_ReconnectDoesNoPbkdf2()
    {
        var counter = new CountingKeyDeriver();
        await using var sp = Build(o => o.UseDerivedKeyCache = true, services: s => s.Replace(ServiceDescriptor.Singleton<IScramKeyDeriver>(counter)));
        Assert.True((await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Offer)).Succeeded);
        Assert.Equal(1, counter.Count);
        Assert.True((await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Offer)).Succeeded);
        Assert.Equal(1, counter.Count);
        var cache = sp.GetRequiredService<ScramKeyCache>();
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Count);

        // A different password is a different key: a miss, and it fails.
        Assert.False((await RunAsync(sp, "alice", "wrong", TransportSecurity.None, AcceptorStartMode.Offer)).Succeeded);
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task RunAsync_CacheOff_EveryConnectionRunsPbkdf2()
    {
        var counter = new CountingKeyDeriver();
        await using var sp = Build(services: s => s.Replace(ServiceDescriptor.Singleton<IScramKeyDeriver>(counter)));
        Assert.True((await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Offer)).Succeeded);
        Assert.True((await RunAsync(sp, "alice", "correct horse", TransportSecurity.None, AcceptorStartMode.Offer)).Succeeded);
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public void KeyCache_OverCapacity_EvictsLeastRecentlyUsed()
    {
        using var cache = new ScramKeyCache(2);
        var key = new byte[32];
        cache.Add(ScramHash.Sha256, "a"u8, [1], 4096, key, key);
        cache.Add(ScramHash.Sha256, "b"u8, [1], 4096, key, key);
        Assert.True(cache.TryGet(ScramHash.Sha256, "a"u8, [1], 4096, new byte[32], new byte[32]));
        cache.Add(ScramHash.Sha256, "c"u8, [1], 4096, key, key);
        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet(ScramHash.Sha256, "b"u8, [1], 4096, new byte[32], new byte[32]));
        Assert.True(cache.TryGet(ScramHash.Sha256, "a"u8, [1], 4096, new byte[32], new byte[32]));
        Assert.False(cache.TryGet(ScramHash.Sha256, "a"u8, [1], 4097, new byte[32], new byte[32]));
        Assert.False(cache.TryGet(ScramHash.Sha256, "a"u8, [2], 4096, new byte[32], new byte[32]));
        Assert.False(cache.TryGet(ScramHash.Sha1, "a"u8, [1], 4096, new byte[32], new byte[32]));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5000, 4096)]
    public void AddScram_InvalidIterationBounds_FailsValidation(int min, int max)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScram(o =>
        {
            o.MinIterations = min;
            o.MaxIterations = max;
        });
        using var sp = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<ScramOptions>>().Get(ScramPluginNames.ScramSha256));
    }

    [Fact]
    public void AddScram_InvalidCacheCapacity_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScram(o => o.DerivedKeyCacheCapacity = 0);
        using var sp = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<ScramOptions>>().Get(ScramPluginNames.ScramSha256));
    }

    [Fact]
    public void AddScramVerifier_InvalidIterations_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScramVerifier(o => o.UnknownUserIterations = 0);
        using var sp = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<ScramVerifierOptions>>().Get(ScramPluginNames.ScramSha256));
    }

    [Fact]
    public void AddScram_CalledTwice_RegistersEachPluginOnce()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScram().AddScram().AddScramVerifier().AddScramVerifier();
        using var sp = services.BuildServiceProvider();
        Assert.Equal(["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"], sp.GetServices<IAuthPlugin>().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Single(sp.GetServices<IAuthVerifier>());
    }

    private static X509Certificate2 MakeCertificate(string kind) =>
        kind == "RSA-SHA256" ? RsaCertificate(HashAlgorithmName.SHA256) : EcdsaCertificate(HashAlgorithmName.SHA384);

    private static ServiceProvider Build(Action<ScramOptions>? configure = null, Action<IServiceCollection>? services = null, Action<HandshakeOptions>? configureHandshake = null)
    {
        var collection = new ServiceCollection();
        collection.AddHandshake(configureHandshake)
            .AddScram(configure)
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("SCRAM-SHA-256", StoredCredential.FromString(AliceCredential))));
        services?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    private static async Task<InMemoryHandshakeResult> RunAsync(
        ServiceProvider sp,
        string user,
        string password,
        TransportSecurity security,
        AcceptorStartMode mode,
        string? serverUser = null,
        string? clientUser = null,
        TransportSecurity? serverSecurity = null)
    {
        using var creds = AuthCredentials.FromPasswords(clientUser ?? user, password);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(creds, security);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(serverSecurity ?? security, mode);
        using var connection = InMemoryAuthConnection.Create(security, serverSecurity ?? security);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, mode == AcceptorStartMode.Offer ? serverUser ?? user : null);
    }
}
