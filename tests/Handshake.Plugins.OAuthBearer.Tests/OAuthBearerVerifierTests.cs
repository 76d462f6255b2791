using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>The verifier with the JWT validator: who the token names, what the server says when it refuses, and the dummy reply.</summary>
public sealed class OAuthBearerVerifierTests
{
    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    public static TheoryData<string, string> RefusedTokens()
    {
        var now = DateTimeOffset.UtcNow;
        return new TheoryData<string, string>
        {
            { "expired", TestTokens.Create("alice", now.AddHours(-2), TimeSpan.FromMinutes(30)) },
            { "not yet valid", TestTokens.Create("alice", now.AddHours(1)) },
            { "wrong issuer", TestTokens.Create("alice", issuer: "https://evil.test") },
            { "wrong audience", TestTokens.Create("alice", audience: "smtp://other.test") },
            { "unknown key", TestTokens.Create("alice", key: "stranger") },
            { "unsigned", TestTokens.Unsigned("alice") },
            { "no subject", TestTokens.Create("alice", withSubject: false) },
            { "not a JWT", "abcdef" },
            { "tampered", Tamper(TestTokens.Create("alice")) },
        };
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async Task Handshake_ValidJwt_LogsInAsTheTokensSubject(string key)
    {
        await using var provider = Create();
        var outcome = await RunAsync(provider, "alice", TestTokens.Create("alice", key: key));

        Assert.True(outcome.Succeeded, $"{outcome.ClientError?.Message} / {outcome.ServerFailureReason}");
        Assert.Equal("alice", outcome.ServerResult!.UserName);
        Assert.Equal(OAuthBearerPluginNames.OAuthBearer, outcome.ServerResult.Factors[0].PluginName);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Handshake_RefusedToken_ServerSendsErrorJsonClientAnswersDummyAndSurfacesIt(string label, string token)
    {
        _ = label;
        await using var provider = Create();
        var recorder = new Handshake.Testing.TranscriptRecorder();
        var outcome = await RunAsync(provider, "alice", token, recorder);

        var error = Assert.IsType<OAuthBearerRejectedException>(outcome.ClientError);
        Assert.Equal("invalid_token", error.Status);
        Assert.Equal("mail", error.Scope);
        Assert.Equal("https://issuer.test/.well-known/openid-configuration", error.OpenIdConfiguration);
        Assert.Equal(AuthErrorCode.InvalidCredential, outcome.ServerFailureReason);
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);
        Assert.All(recorder.Entries, e => Assert.DoesNotContain(token, e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handshake_TokenForAnotherUserThanTheAuthzid_IsRefused()
    {
        await using var provider = Create();
        // The client names alice (a=alice) but presents bob's token.
        var outcome = await RunAsync(provider, "alice", TestTokens.Create("bob"));

        Assert.IsType<OAuthBearerRejectedException>(outcome.ClientError);
        Assert.Null(outcome.ServerResult);
    }

    [Fact]
    public async Task Verifier_OfferBeforeUser_NamesTheUserFromTheToken()
    {
        await using var provider = Create();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        var offer = await acceptor.StartAsync();
        Assert.Contains(OAuthBearerPluginNames.OAuthBearer, offer.Mechanisms!);

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message(string.Empty, TestTokens.Create("alice"))));

        Assert.Equal(AuthEventKind.Succeeded, reply.Kind);
        Assert.Equal("alice", acceptor.Result!.UserName);
    }

    [Fact]
    public async Task Verifier_UserNotEnrolledForOAuthBearer_IsRefusedLikeABadToken()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddOAuthBearerVerifier(o => o.Scope = "mail")
            .AddOAuthBearerJwtValidation(TestTokens.Configure)
            .AddPlugin("other", _ => (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty))
            .AddAcceptor(o => { o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer; o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer); })
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer + "-NOT", StoredCredential.FromString("x"))));
        await using var provider = services.BuildServiceProvider();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message(string.Empty, TestTokens.Create("alice"))));

        Assert.NotEqual(AuthEventKind.Succeeded, reply.Kind);
    }

    [Theory]
    [InlineData(new byte[] { 0x01 }, AuthErrorCode.InvalidCredential)]
    [InlineData(new byte[] { 0x01, 0x01 }, AuthErrorCode.ProtocolViolation)]
    [InlineData(new byte[0], AuthErrorCode.ProtocolViolation)]
    public async Task Verifier_AfterErrorResponse_WaitsForTheDummyThenFails(byte[] answer, AuthErrorCode reason)
    {
        await using var provider = Create();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var challenge = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message("alice", TestTokens.Create("alice", key: "stranger"))));
        var final = await acceptor.HandleAsync(new AuthClientMessage(null, answer));

        Assert.Equal(AuthEventKind.Continue, challenge.Kind);
        Assert.True(OAuthBearerError.TryParse(challenge.Data.Span, out var error));
        Assert.Equal("invalid_token", error.Status);
        Assert.Equal(AuthEventKind.Failed, final.Kind);
        Assert.Equal(reason, acceptor.FailureReason);
    }

    [Fact]
    public async Task Verifier_RequiredScopeMissing_SendsInsufficientScope()
    {
        await using var provider = Create(jwt => jwt.RequiredScope = "imap");
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var without = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message("alice", TestTokens.Create("alice", claims: new Dictionary<string, object> { ["scope"] = "smtp" }))));

        Assert.True(OAuthBearerError.TryParse(without.Data.Span, out var error));
        Assert.Equal("insufficient_scope", error.Status);
        Assert.Equal("imap", error.Scope);

        using var second = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await second.StartAsync();
        var with = await second.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message("alice", TestTokens.Create("alice", claims: new Dictionary<string, object> { ["scope"] = "smtp imap" }))));
        Assert.Equal(AuthEventKind.Succeeded, with.Kind);
    }

    [Fact]
    public async Task Verifier_ConfiguredUserClaim_MapsThatClaimToTheUser()
    {
        await using var provider = Create(jwt => jwt.UserClaim = "preferred_username");
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message(string.Empty, TestTokens.Create("0b5c-opaque-id", claims: new Dictionary<string, object> { ["preferred_username"] = "alice" }))));

        Assert.Equal(AuthEventKind.Succeeded, reply.Kind);
        Assert.Equal("alice", acceptor.Result!.UserName);
    }

    [Fact]
    public async Task Verifier_LifetimeOnTheVerifiersClock_ExpiresWhenTheClockPassesExp()
    {
        var issued = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(issued);
        var token = TestTokens.Create("alice", issued, TimeSpan.FromMinutes(5));
        await using var provider = Create(services: s => s.AddSingleton<TimeProvider>(time));

        Assert.Equal(AuthEventKind.Succeeded, (await OneMessageAsync(provider, token)).Kind);
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31)); // past exp plus the 30 s skew
        Assert.Equal(AuthEventKind.Continue, (await OneMessageAsync(provider, token)).Kind);
    }

    [Fact]
    public async Task Verifier_PlainTransport_IsNotOfferedAndRefuses()
    {
        await using var provider = Create();
        var verifier = provider.GetServices<IAuthVerifier>().Single(v => v.Name == OAuthBearerPluginNames.OAuthBearer);

        Assert.Empty(verifier.GetMechanisms(TransportSecurity.None));
        Assert.Equal([OAuthBearerPluginNames.OAuthBearer], verifier.GetMechanisms(VerifiedTls));
        Assert.Equal([OAuthBearerPluginNames.OAuthBearer], verifier.GetMechanisms(new TransportSecurity { IsTrustedLocal = true }));
    }

    [Fact]
    public async Task Verifier_ValidatorThrows_RefusesWithInvalidTokenWithoutItsMessage()
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddOAuthBearerVerifier(o => o.TokenValidator = new ThrowingValidator())
            .AddAcceptor(o => { o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer; o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer); })
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString("x"))));
        await using var provider = services.BuildServiceProvider();
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message("alice", "abc")));
        _ = await acceptor.HandleAsync(new AuthClientMessage(null, new byte[] { 1 }));

        Assert.Equal(AuthEventKind.Continue, reply.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, acceptor.FailureReason);
        Assert.DoesNotContain(ThrowingValidator.Leak, acceptor.FailureDetail ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("keys")]
    [InlineData("none")]
    [InlineData("private")]
    public void JwtValidation_IncompleteOptions_FailAtStart(string missing)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddOAuthBearerVerifier().AddOAuthBearerJwtValidation(o =>
        {
            TestTokens.Configure(o);
            switch (missing)
            {
                case "issuer":
                    o.Issuer = null;
                    break;
                case "audience":
                    o.Audience = null;
                    break;
                case "keys":
                    o.SigningKeyPems.Clear();
                    break;
                case "none":
                    o.ValidAlgorithms.Add("none");
                    break;
                default:
                    o.SigningKeyPems.Clear();
                    using (var rsa = System.Security.Cryptography.RSA.Create(2048))
                    {
                        o.SigningKeyPems.Add(rsa.ExportPkcs8PrivateKeyPem());
                    }

                    break;
            }
        });
        using var provider = services.BuildServiceProvider();

        Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IOAuthBearerTokenValidator>());
    }

    [Fact]
    public async Task JwtValidation_JsonWebKeySet_IsAccepted()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        var jwks = $$"""{"keys":[{"kty":"RSA","kid":"k1","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
        var validator = new JwtBearerTokenValidator(new JwtBearerValidationOptions { Issuer = TestTokens.Issuer, Audience = TestTokens.Audience, JsonWebKeySet = jwks });
        var descriptor = new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa) { KeyId = "k1" }, "RS256"),
        };
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(descriptor);
        var context = new VerifierContext(OAuthBearerPluginNames.OAuthBearer, OAuthBearerPluginNames.OAuthBearer, 1, VerifiedTls, new Handshake.Testing.Conformance.FixedCredentialSource("alice", null));

        var result = await validator.ValidateAsync(new OAuthBearerValidationRequest(token, string.Empty, null, null, context), CancellationToken.None);

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal("alice", result.UserName);
    }

    private static async Task<AuthEvent> OneMessageAsync(ServiceProvider provider, string token)
    {
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();
        return await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Message("alice", token)));
    }

    private static byte[] Message(string authzid, string token) =>
        Encoding.ASCII.GetBytes($"n,{(authzid.Length > 0 ? "a=" + authzid : string.Empty)},\u0001auth=Bearer {token}\u0001\u0001");

    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace("\"alice\"", "\"admin\"", StringComparison.Ordinal);
        return parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload) + "." + parts[2];
    }

    private static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider provider, string user, string token, Handshake.Testing.TranscriptRecorder? recorder = null)
    {
        using var credentials = AuthCredentials.FromPasswords(user, token);
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        using var connection = InMemoryAuthConnection.Create(VerifiedTls);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, wrapClient: recorder is null ? null : recorder.Record, cancellationToken: timeout.Token);
    }

    private static ServiceProvider Create(Action<JwtBearerValidationOptions>? jwt = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddHandshake()
            .AddOAuthBearer()
            .AddOAuthBearerVerifier(o => { o.Scope = "mail"; o.OpenIdConfiguration = "https://issuer.test/.well-known/openid-configuration"; })
            .AddOAuthBearerJwtValidation(o => { TestTokens.Configure(o); jwt?.Invoke(o); })
            .AddAcceptor(o => { o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer; o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer); })
            .AddInMemoryCredentialStore(s =>
            {
                s.AddUser("alice", new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString(TestTokens.Issuer)));
                s.AddUser("bob", new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString(TestTokens.Issuer)));
            });
        return collection.BuildServiceProvider();
    }

    private sealed class ThrowingValidator : IOAuthBearerTokenValidator
    {
        public const string Leak = "token abc was bad";

        public ValueTask<OAuthBearerValidationResult> ValidateAsync(OAuthBearerValidationRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Leak);
    }
}
