using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Handshake.Plugins.Resume.Tests.TestSupport;

namespace Handshake.Plugins.Resume.Tests;

/// <summary>The client plugin and cache, and start-up validation of both option sets.</summary>
public sealed class ResumePluginTests : IAsyncDisposable
{
    private const string Server = "db1.example:5432";
    private readonly ServiceProvider _services;
    private readonly InMemoryResumeTokenCache _cache = new();
    private readonly AuthCredentials _credentials = AuthCredentials.FromPasswords("alice", "pw");

    public ResumePluginTests()
    {
        var services = new ServiceCollection();
        services.AddHandshake();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        _credentials.Dispose();
        await _services.DisposeAsync();
    }

    private ResumePlugin Plugin(string? serverIdentity = Server) =>
        new(Options.Create(new ResumeClientOptions { ServerIdentity = serverIdentity }), _cache);

    private AuthExchangeContext Context(TransportSecurity? transport = null, IReadOnlyDictionary<string, object?>? properties = null) =>
        new("resume", 1, _credentials, transport ?? Tls, _services.GetRequiredService<IAuthSecurityPolicy>())
        {
            Properties = properties ?? new Dictionary<string, object?>(StringComparer.Ordinal),
        };

    private void Seed(string server, byte fill)
    {
        using var token = NewToken(fill);
        _cache.Store(server, "alice", token);
    }

    private static ResumeToken NewToken(byte fill)
    {
        var bytes = new byte[ResumeToken.Length];
        Array.Fill(bytes, fill);
        return new ResumeToken(bytes);
    }

    [Fact]
    public void GetOfferPreference_TokenCachedOverTls_IsTheConfiguredPreference()
    {
        Seed(Server, 1);

        Assert.Equal(1000, Plugin().GetOfferPreference(Context()));
    }

    [Fact]
    public void GetOfferPreference_NoTokenCached_IsNegative()
    {
        Assert.True(Plugin().GetOfferPreference(Context()) < 0);
    }

    [Fact]
    public void GetOfferPreference_TokenForAnotherServer_IsNegative()
    {
        Seed("other:5432", 1);

        Assert.True(Plugin().GetOfferPreference(Context()) < 0);
    }

    [Fact]
    public void GetOfferPreference_NoServerIdentity_IsNegative()
    {
        Seed(Server, 1);

        Assert.True(Plugin(serverIdentity: null).GetOfferPreference(Context()) < 0);
    }

    [Fact]
    public void GetOfferPreference_PerConnectionServerIdentity_OverridesTheOption()
    {
        Seed("replica:5432", 1);
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal) { [ResumeClientOptions.ServerIdentityProperty] = "replica:5432" };

        Assert.Equal(1000, Plugin().GetOfferPreference(Context(properties: properties)));
    }

    [Fact]
    public void GetOfferPreference_UnverifiedTransport_IsNegativeBecauseTheTokenIsABearerSecret()
    {
        Seed(Server, 1);

        Assert.True(Plugin().GetOfferPreference(Context(TransportSecurity.None)) < 0);
        Assert.True(Plugin().GetOfferPreference(Context(new TransportSecurity { IsEncrypted = true })) < 0);
    }

    [Fact]
    public void Start_NoTokenCached_FailsFastWithMissingCredential()
    {
        var ex = Assert.Throws<HandshakeException>(() => Plugin().Start(Context()));

        Assert.Equal(AuthErrorCode.MissingCredential, ex.Code);
    }

    [Fact]
    public void Start_NoServerIdentity_FailsWithMissingCredential()
    {
        Seed(Server, 1);

        Assert.Equal(AuthErrorCode.MissingCredential, Assert.Throws<HandshakeException>(() => Plugin(serverIdentity: null).Start(Context())).Code);
    }

    [Fact]
    public void Start_UnverifiedTransport_RefusesToSendTheToken()
    {
        Seed(Server, 1);

        var ex = Assert.Throws<HandshakeException>(() => Plugin().Start(Context(TransportSecurity.None)));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task Exchange_Accepted_SendsTheTokenOnceAndCachesTheRotatedOne()
    {
        using var token = NewToken(1);
        using var next = NewToken(2);
        _cache.Store(Server, "alice", token);
        using var exchange = Plugin().Start(Context());

        var reply = await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        exchange.OnServerAccepted(next.Value);

        Assert.True(reply.Data.Span.SequenceEqual(token.Value.Span));
        Assert.True(next.ValueEquals(_cache.Find(Server, "alice")));
        await Assert.ThrowsAsync<HandshakeException>(() => exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(64)]
    public async Task OnServerAccepted_WithoutANextToken_IsAProtocolViolation(int length)
    {
        using var token = NewToken(1);
        _cache.Store(Server, "alice", token);
        using var exchange = Plugin().Start(Context());
        await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        var ex = Assert.Throws<HandshakeException>(() => exchange.OnServerAccepted(new byte[length]));

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.DoesNotContain(Convert.ToHexString(token.Value.Span), ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void OnServerAccepted_BeforeTheTokenWasSent_IsAProtocolViolation()
    {
        Seed(Server, 1);
        using var exchange = Plugin().Start(Context());

        Assert.Equal(AuthErrorCode.ProtocolViolation, Assert.Throws<HandshakeException>(() => exchange.OnServerAccepted(new byte[ResumeToken.Length])).Code);
    }

    [Fact]
    public async Task Dispose_AfterSendingWithoutAcceptance_DropsTheSingleUseToken()
    {
        Seed(Server, 1);
        var exchange = Plugin().Start(Context());
        await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        exchange.Dispose();

        Assert.Null(_cache.Find(Server, "alice"));
    }

    [Fact]
    public async Task Dispose_WhenANewerTokenWasCachedMeanwhile_KeepsTheNewerOne()
    {
        Seed(Server, 1);
        var exchange = Plugin().Start(Context());
        await exchange.RespondAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        using var newer = NewToken(3);
        _cache.Store(Server, "alice", newer);

        exchange.Dispose();

        Assert.True(newer.ValueEquals(_cache.Find(Server, "alice")));
    }

    [Fact]
    public void ResumeToken_ToString_NeverShowsTheValue()
    {
        using var token = new ResumeToken(Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray()) { FamilyId = "f1" };

        var text = token.ToString();

        Assert.Contains("redacted", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(token.Value.Span), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(token.Value.Span), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(33)]
    public void ResumeToken_WrongLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => new ResumeToken(new byte[length]));
    }

    [Fact]
    public void ResumeToken_Dispose_WipesTheBytes()
    {
        var token = NewToken(9);

        token.Dispose();

        Assert.True(token.Value.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    public static TheoryData<Action<ResumeServerOptions>, string> BadServerOptions => new()
    {
        { o => o.AbsoluteLifetime = TimeSpan.Zero, "AbsoluteLifetime" },
        { o => o.InactivityTimeout = TimeSpan.FromDays(2), "InactivityTimeout" },
        { o => o.ReuseGrace = TimeSpan.FromMinutes(6), "ReuseGrace" },
        { o => o.ReuseGrace = TimeSpan.FromSeconds(-1), "ReuseGrace" },
        { o => o.HashKey = new byte[16], "HashKey" },
    };

    [Theory]
    [MemberData(nameof(BadServerOptions))]
    public async Task ValidateOnStart_BadServerOptions_FailsNamingTheOption(Action<ResumeServerOptions> configure, string option)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddResumeVerifier(configure);
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => Task.Run(() => provider.GetRequiredService<IStartupValidator>().Validate()));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_NegativeClientPreference_Fails()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddResume(o => o.Preference = -1);
        await using var provider = services.BuildServiceProvider();

        // The engine's own start-up check builds the plugin registry too, so the failure may come aggregated.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(() => provider.GetRequiredService<IStartupValidator>().Validate()));

        Assert.Contains("Preference", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddResumeVerifier_Defaults_ValidateAndRegisterOneStoreAndIssuer()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddResumeVerifier().AddResumeVerifier().AddResume();
        await using var provider = services.BuildServiceProvider();

        await Task.Run(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Single(services, d => d.ServiceType == typeof(IResumeTokenStore));
        Assert.IsType<InMemoryResumeTokenStore>(provider.GetRequiredService<IResumeTokenStore>());
        Assert.IsType<ResumeTokenIssuer>(provider.GetRequiredService<IResumeTokenIssuer>());
        Assert.IsType<InMemoryResumeTokenCache>(provider.GetRequiredService<IResumeTokenCache>());
    }
}
