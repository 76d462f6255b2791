using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>The client plugin: the cleartext gate, the token provider's cache and deadlines, and the server's error.</summary>
public sealed class OAuthBearerClientTests
{
    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] InvalidToken = "{\"status\":\"invalid_token\",\"scope\":\"mail\"}"u8.ToArray();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task Client_TransportNotSafeForCleartext_RefusesBeforeAskingTheProvider(bool encrypted, bool verified)
    {
        var tokens = new CountingProvider(Now.AddHours(1));
        await using var provider = Create(tokens, new FakeTimeProvider(Now));
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, new TransportSecurity { IsEncrypted = encrypted, IsCertificateVerified = verified });

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer])));

        Assert.Equal(AuthErrorCode.PolicyViolation, error.Code);
        Assert.Equal(0, tokens.Calls);
    }

    [Fact]
    public async Task Client_ExplicitCleartextOptIn_SendsOverPlainTransport()
    {
        var tokens = new CountingProvider(Now.AddHours(1));
        await using var provider = Create(tokens, new FakeTimeProvider(Now), o => o.AllowCleartextWithoutVerifiedTls = true);
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);

        var action = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));

        Assert.Equal(AuthActionKind.Send, action.Kind);
        Assert.Equal(1, tokens.Calls);
    }

    [Fact]
    public async Task Provider_TokenStillFresh_IsReusedUntilTheRefreshWindow()
    {
        var time = new FakeTimeProvider(Now);
        var tokens = new CountingProvider(Now.AddMinutes(10));
        await using var provider = Create(tokens, time);

        var first = await FirstMessageAsync(provider);
        time.Advance(TimeSpan.FromMinutes(8));
        var second = await FirstMessageAsync(provider);
        time.Advance(TimeSpan.FromMinutes(1.5)); // 30 s before expiry: inside the default 60 s refresh window
        var third = await FirstMessageAsync(provider);

        Assert.Equal(first, second);
        Assert.NotEqual(second, third);
        Assert.Equal(2, tokens.Calls);
    }

    [Fact]
    public async Task Provider_ReturnsExpiredToken_FailsKeyUnavailableAndSendsNothing()
    {
        var tokens = new CountingProvider(Now.AddSeconds(-1));
        await using var provider = Create(tokens, new FakeTimeProvider(Now));
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer])));

        Assert.Equal(AuthErrorCode.KeyUnavailable, error.Code);
        Assert.DoesNotContain(CountingProvider.TokenText(1), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_TokenInsideRefreshWindow_IsUsedOnceNotCached()
    {
        var tokens = new CountingProvider(Now.AddSeconds(20));
        await using var provider = Create(tokens, new FakeTimeProvider(Now));

        _ = await FirstMessageAsync(provider);
        _ = await FirstMessageAsync(provider);

        Assert.Equal(2, tokens.Calls);
    }

    [Fact]
    public async Task Provider_Hangs_HandshakeRoundTimeoutEndsItTyped()
    {
        var hanging = new HangingProvider();
        var services = new ServiceCollection();
        services.AddHandshake(o => { o.RoundTimeout = TimeSpan.FromMilliseconds(200); o.HandshakeTimeout = TimeSpan.FromSeconds(5); })
            .AddOAuthBearer(o => o.TokenProvider = hanging);
        await using var provider = services.BuildServiceProvider();
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer])));

        Assert.Equal(AuthErrorCode.Timeout, error.Code);
        Assert.True(hanging.SawCancellation);
    }

    [Fact]
    public async Task Provider_CallerCancels_TheProviderIsCancelledToo()
    {
        var hanging = new HangingProvider();
        await using var provider = Create(hanging, TimeProvider.System);
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]), cts.Token));

        Assert.True(hanging.SawCancellation);
    }

    [Fact]
    public async Task Provider_Throws_FailsKeyUnavailableWithoutItsMessage()
    {
        var throwing = new ThrowingProvider();
        await using var provider = Create(throwing, TimeProvider.System);
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer])));

        Assert.Equal(AuthErrorCode.KeyUnavailable, error.Code);
        Assert.DoesNotContain(ThrowingProvider.Leak, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerRefusesToken_NextHandshakeFetchesAFreshOneWithTheError()
    {
        var time = new FakeTimeProvider(Now);
        var tokens = new CountingProvider(Now.AddHours(1));
        await using var provider = Create(tokens, time);
        using (var credentials = new AuthCredentials("alice"))
        using (var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls))
        {
            _ = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));
            _ = await negotiator.HandleAsync(AuthEvent.Continue(InvalidToken));
            var error = await Assert.ThrowsAsync<OAuthBearerRejectedException>(async () => await negotiator.HandleAsync(AuthEvent.Failed(null, "authentication failed")));
            Assert.Equal("mail", error.Scope);
        }

        var next = await FirstMessageAsync(provider);

        Assert.Equal(2, tokens.Calls);
        Assert.Contains(CountingProvider.TokenText(2), next, StringComparison.Ordinal);
        Assert.Null(tokens.Requests[0].PreviousError);
        Assert.Equal("invalid_token", tokens.Requests[1].PreviousError?.Status);
        Assert.Equal("mail", tokens.Requests[1].PreviousError?.Scope);
    }

    [Fact]
    public async Task ServerFailsWithoutErrorJson_EngineErrorStands()
    {
        await using var provider = Create(new CountingProvider(Now.AddHours(1)), new FakeTimeProvider(Now));
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);
        _ = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Failed("535", "no")));

        Assert.IsNotType<OAuthBearerRejectedException>(error);
        Assert.Equal(AuthErrorCode.ServerRejected, error.Code);
    }

    [Theory]
    [InlineData("success-after-error")]
    [InlineData("second-challenge")]
    [InlineData("final-data")]
    [InlineData("challenge-first")]
    public async Task Server_OutOfOrder_IsProtocolViolation(string path)
    {
        await using var provider = Create(new CountingProvider(Now.AddHours(1)), new FakeTimeProvider(Now));
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var error = await Assert.ThrowsAsync<HandshakeException>(async () =>
        {
            if (path == "challenge-first")
            {
                _ = await negotiator.HandleAsync(AuthEvent.Begin(OAuthBearerPluginNames.OAuthBearer, "x"u8.ToArray()));
                return;
            }

            _ = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));
            switch (path)
            {
                case "success-after-error":
                    _ = await negotiator.HandleAsync(AuthEvent.Continue(InvalidToken));
                    _ = await negotiator.HandleAsync(AuthEvent.Succeeded(default));
                    break;
                case "second-challenge":
                    _ = await negotiator.HandleAsync(AuthEvent.Continue(InvalidToken));
                    _ = await negotiator.HandleAsync(AuthEvent.Continue(InvalidToken));
                    break;
                default:
                    _ = await negotiator.HandleAsync(AuthEvent.Succeeded("v=x"u8.ToArray()));
                    break;
            }
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, error.Code);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tok\u0001en")]
    [InlineData("=abc")]
    public async Task Client_SecretIsNotABearerToken_FailsMissingCredentialBeforeSending(string token)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddOAuthBearer();
        await using var provider = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", token);
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var error = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer])));

        Assert.Equal(AuthErrorCode.MissingCredential, error.Code);
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WithoutAuthzid_SendsEmptyGs2Authzid()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddOAuthBearer(o => o.SendAuthorizationIdentity = false);
        await using var provider = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "abc");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var action = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));

        Assert.Equal("n,,\u0001auth=Bearer abc\u0001\u0001"u8.ToArray(), action.Data.ToArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(70000)]
    public void Options_InvalidPort_FailsAtStart(int port)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddOAuthBearer(o => o.Port = port);
        using var provider = services.BuildServiceProvider();

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OAuthBearerClientOptions>>().Get(OAuthBearerPluginNames.OAuthBearer));
    }

    private static async Task<string> FirstMessageAsync(ServiceProvider provider)
    {
        using var credentials = new AuthCredentials("alice");
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);
        var action = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));
        return System.Text.Encoding.ASCII.GetString(action.Data.Span);
    }

    private static ServiceProvider Create(IOAuthBearerTokenProvider tokens, TimeProvider time, Action<HandshakeOptions>? engine = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddHandshake(o => engine?.Invoke(o)).AddOAuthBearer(o => o.TokenProvider = tokens);
        return services.BuildServiceProvider();
    }

    private sealed class CountingProvider(DateTimeOffset expiresAt) : IOAuthBearerTokenProvider
    {
        public int Calls { get; private set; }

        public List<OAuthBearerTokenRequest> Requests { get; } = [];

        public static string TokenText(int call) => $"token-{call}-abcdefghijklmnop";

        public ValueTask<OAuthBearerToken> GetTokenAsync(OAuthBearerTokenRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            Calls++;
            return ValueTask.FromResult(OAuthBearerToken.FromString(TokenText(Calls), expiresAt));
        }
    }

    private sealed class HangingProvider : IOAuthBearerTokenProvider
    {
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets whether the provider's token was cancelled, waiting up to 5 s: the handshake ends (through WaitAsync) before the provider's own continuation runs.</summary>
        public bool SawCancellation => _cancelled.Task.Wait(TimeSpan.FromSeconds(5));

        public async ValueTask<OAuthBearerToken> GetTokenAsync(OAuthBearerTokenRequest request, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _cancelled.TrySetResult();
                throw;
            }

            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class ThrowingProvider : IOAuthBearerTokenProvider
    {
        public const string Leak = "refresh_token=very-secret-refresh";

        public ValueTask<OAuthBearerToken> GetTokenAsync(OAuthBearerTokenRequest request, CancellationToken cancellationToken) =>
            throw new HttpRequestException(Leak);
    }
}
