using Handshake.Testing.Conformance;

namespace Handshake.Plugins.OAuthBearer.Tests;

/// <summary>OAUTHBEARER keeps every plugin rule, over verified TLS (the only place its client sends a token), with JWTs signed locally.</summary>
public sealed class OAuthBearerConformanceTests : AuthPluginConformanceTests
{
    private static readonly string GoodToken = TestTokens.Create(UserName);
    private static readonly string StrangerGoodToken = TestTokens.Create("no-such-user");
    private static readonly string BadToken = TestTokens.Create(UserName, key: "stranger");
    private static readonly string StrangerBadToken = TestTokens.Create("no-such-user", key: "stranger");

    protected override string PluginName => OAuthBearerPluginNames.OAuthBearer;

    protected override IReadOnlyList<string> Secrets => [GoodToken, StrangerGoodToken, BadToken, StrangerBadToken, GoodToken.Split('.')[2], BadToken.Split('.')[2]];

    protected override TransportSecurity Transport => new() { IsEncrypted = true, IsCertificateVerified = true };

    protected override void Register(IHandshakeBuilder builder) =>
        builder.AddOAuthBearer().AddOAuthBearerVerifier(o => o.Scope = "mail").AddOAuthBearerJwtValidation(TestTokens.Configure);

    protected override StoredCredential CreateStoredCredential() => StoredCredential.FromString(TestTokens.Issuer);

    protected override AuthCredentials CreateGoodCredentials(string userName) =>
        AuthCredentials.FromPasswords(userName, userName == UserName ? GoodToken : TestTokens.Create(userName));

    protected override AuthCredentials CreateBadCredentials(string userName) =>
        AuthCredentials.FromPasswords(userName, userName == UserName ? BadToken : TestTokens.Create(userName, key: "stranger"));
}
