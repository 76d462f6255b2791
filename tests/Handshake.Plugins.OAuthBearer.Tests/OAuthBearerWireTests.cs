using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>The published examples of RFC 7628 §4, byte for byte, on both sides.</summary>
public sealed class OAuthBearerWireTests
{
    private const string RfcUser = "user@example.com";
    private const string RfcHost = "server.example.com";
    private const string RfcToken = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
    private static readonly TransportSecurity VerifiedTls = new() { IsEncrypted = true, IsCertificateVerified = true };

    /// <summary>RFC 7628 §4.1 (IMAP, port 143) and §4.2/§4.4 (SMTP submission, port 587): the client's initial response, base64 as on the wire.</summary>
    public static TheoryData<string, int, string> InitialResponses() => new()
    {
        { "§4.1 IMAP", 143, "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB" },
        { "§4.2 SMTP", 587, "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB" },
    };

    /// <summary>RFC 7628 §4.3 and §4.4: the server's error responses, base64 as on the wire, and what they say.</summary>
    public static TheoryData<string, string, string, string?, string?> ErrorResponses() => new()
    {
        { "§4.3", "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=", "invalid_token", "example_scope", "https://example.com/.well-known/openid-configuration" },
        { "§4.4", "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJlciBtYWMiLCJzY29wZSI6Imh0dHBzOi8vbWFpbC5leGFtcGxlLmNvbS8ifQ==", "invalid_token", "https://mail.example.com/", null },
    };

    [Theory]
    [MemberData(nameof(InitialResponses))]
    public async Task Client_RfcExample_SendsTheRfcInitialResponse(string example, int port, string base64)
    {
        _ = example;
        await using var provider = Client(o => { o.Host = RfcHost; o.Port = port; });
        using var credentials = AuthCredentials.FromPasswords(RfcUser, RfcToken);
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);

        var action = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));

        Assert.Equal(OAuthBearerPluginNames.OAuthBearer, action.PluginName);
        Assert.Equal(base64, Convert.ToBase64String(action.Data.Span));
    }

    [Theory]
    [MemberData(nameof(InitialResponses))]
    public async Task Verifier_RfcExample_ReadsAuthzidHostPortAndToken(string example, int port, string base64)
    {
        _ = example;
        var validator = new RecordingValidator(OAuthBearerValidationResult.Valid(RfcUser));
        await using var provider = Server(validator, RfcUser);
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Convert.FromBase64String(base64)));

        Assert.Equal(AuthEventKind.Succeeded, reply.Kind);
        Assert.True(reply.Data.IsEmpty);
        var seen = Assert.Single(validator.Requests);
        Assert.Equal(RfcToken, seen.Token);
        Assert.Equal(RfcUser, seen.AuthorizationIdentity);
        Assert.Equal(RfcHost, seen.Host);
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Port);
        Assert.Equal(RfcUser, acceptor.Result!.UserName);
    }

    [Theory]
    [MemberData(nameof(ErrorResponses))]
    public void TryParse_RfcErrorResponse_ReadsStatusScopeAndConfiguration(string example, string base64, string status, string? scope, string? configuration)
    {
        _ = example;
        Assert.True(OAuthBearerError.TryParse(Convert.FromBase64String(base64), out var error));
        Assert.Equal(status, error.Status);
        Assert.Equal(scope, error.Scope);
        Assert.Equal(configuration, error.OpenIdConfiguration);
    }

    [Fact]
    public void ToJson_RfcSection43Error_IsTheRfcBytes()
    {
        var error = new OAuthBearerError("invalid_token", "example_scope", "https://example.com/.well-known/openid-configuration");

        Assert.Equal("eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=", Convert.ToBase64String(error.ToJson()));
    }

    [Theory]
    [MemberData(nameof(ErrorResponses))]
    public async Task Client_RfcErrorResponse_AnswersDummyThenRaisesTypedRejection(string example, string base64, string status, string? scope, string? configuration)
    {
        _ = example;
        await using var provider = Client(o => { o.Host = RfcHost; o.Port = 587; });
        using var credentials = AuthCredentials.FromPasswords(RfcUser, RfcToken);
        using var negotiator = provider.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, VerifiedTls);
        _ = await negotiator.HandleAsync(AuthEvent.Offer([OAuthBearerPluginNames.OAuthBearer]));

        var dummy = await negotiator.HandleAsync(AuthEvent.Continue(Convert.FromBase64String(base64)));
        var error = await Assert.ThrowsAsync<OAuthBearerRejectedException>(async () => await negotiator.HandleAsync(AuthEvent.Failed("535", "5.7.8 Authentication credentials invalid")));

        // RFC 7628 §3.2.3: the client's answer to the error is a single 0x01 (base64 "AQ==").
        Assert.Equal("AQ==", Convert.ToBase64String(dummy.Data.Span));
        Assert.Equal(AuthErrorCode.ServerRejected, error.Code);
        Assert.Equal(status, error.Status);
        Assert.Equal(status, error.ServerErrorCode);
        Assert.Equal(scope, error.Scope);
        Assert.Equal(configuration, error.OpenIdConfiguration);
        Assert.Equal(OAuthBearerPluginNames.OAuthBearer, error.PluginName);
        Assert.Equal(1, error.FactorIndex);
        Assert.DoesNotContain(RfcToken, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(RfcToken, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("n,,\u0001auth=Bearer abc\u0001\u0001", "", "abc")]
    [InlineData("y,,\u0001auth=bearer   abc==\u0001\u0001", "", "abc==")]
    [InlineData("n,a=a=2Cb=3Dc,\u0001auth=Bearer x-y.z_~+/\u0001\u0001", "a,b=c", "x-y.z_~+/")]
    [InlineData("n,,\u0001custom=any value\tok\u0001auth=Bearer t\u0001\u0001", "", "t")]
    public async Task Verifier_WellFormedVariants_AreRead(string message, string authzid, string token)
    {
        var validator = new RecordingValidator(OAuthBearerValidationResult.Invalid("test: refused after reading"));
        await using var provider = Server(validator, "alice");
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Encoding.UTF8.GetBytes(message)));

        Assert.Equal(AuthEventKind.Continue, reply.Kind);
        var seen = Assert.Single(validator.Requests);
        Assert.Equal(token, seen.Token);
        Assert.Equal(authzid, seen.AuthorizationIdentity);
    }

    [Theory]
    [InlineData("\u0001")]
    [InlineData("p=tls-unique,,\u0001auth=Bearer abc\u0001\u0001")]
    [InlineData("n,,auth=Bearer abc\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer abc\u0001")]
    [InlineData("n,,\u0001auth=Bearer abc\u0001\u0001x")]
    [InlineData("n,,\u0001auth=Basic abc\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer a b\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer abc\u0001auth=Bearer def\u0001\u0001")]
    [InlineData("n,,\u0001host=x\u0001\u0001")]
    [InlineData("n,b=x,\u0001auth=Bearer abc\u0001\u0001")]
    [InlineData("n,a=bad=escape,\u0001auth=Bearer abc\u0001\u0001")]
    [InlineData("n,,\u00011key=v\u0001auth=Bearer abc\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer \u0001\u0001")]
    public async Task Verifier_MalformedMessage_IsRejectedAsProtocolViolationWithoutValidating(string message)
    {
        var validator = new RecordingValidator(OAuthBearerValidationResult.Valid("alice"));
        await using var provider = Server(validator, "alice");
        using var acceptor = provider.GetRequiredService<IAuthAcceptorFactory>().Create(VerifiedTls, AcceptorStartMode.Offer);
        _ = await acceptor.StartAsync();

        var reply = await acceptor.HandleAsync(new AuthClientMessage(OAuthBearerPluginNames.OAuthBearer, Encoding.UTF8.GetBytes(message)));

        Assert.Equal(AuthEventKind.Failed, reply.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, acceptor.FailureReason);
        Assert.Empty(validator.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"status\":1}")]
    [InlineData("{\"status\":\"\"}")]
    [InlineData("{\"status\":\"invalid_token\"")]
    [InlineData("{\"status\":\"invalid_token\"} x")]
    [InlineData("{\"status\":\"bad\\u0007bell\"}")]
    [InlineData("{\"status\":\"invalid_token\",\"scope\":\"caf\u00e9\"}")]
    public void TryParse_NotAnErrorResponse_IsFalse(string json) =>
        Assert.False(OAuthBearerError.TryParse(Encoding.UTF8.GetBytes(json), out _));

    private static ServiceProvider Client(Action<OAuthBearerClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddOAuthBearer(configure);
        return services.BuildServiceProvider();
    }

    private static ServiceProvider Server(IOAuthBearerTokenValidator validator, string user)
    {
        var services = new ServiceCollection();
        services.AddHandshake()
            .AddOAuthBearerVerifier(o => o.TokenValidator = validator)
            .AddAcceptor(o => { o.DefaultPlugin = OAuthBearerPluginNames.OAuthBearer; o.OfferedPlugins.Add(OAuthBearerPluginNames.OAuthBearer); })
            .AddInMemoryCredentialStore(s => s.AddUser(user, new AuthFactorPolicy(OAuthBearerPluginNames.OAuthBearer, StoredCredential.FromString(TestTokens.Issuer))));
        return services.BuildServiceProvider();
    }
}
