// The client token cache owns the tokens stored in it (it wipes them when replaced or removed).
#pragma warning disable CA2000
using System.Text;
using Handshake.Mfa;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Handshake.Stores.PostgreSql.Tests;

/// <summary>
/// Resumption across two servers: two DI containers (A and B), each with its own data source, sharing
/// one PostgreSQL store. `handshake serve` has no resume verifier, so this proof runs at the acceptor
/// level (the engine, the real verifiers, the real store), not across two processes.
/// </summary>
public sealed class PostgreSqlFleetResumeTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Server = "db.example:5432";
    private const string Password = "pencil";
    private const string TotpSecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static readonly byte[] TotpSecret = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 10, TimeSpan.Zero));
    private readonly string _user = $"alice{Guid.NewGuid():N}"[..20];
    private ServiceProvider _a = null!;
    private ServiceProvider _b = null!;

    public async Task InitializeAsync()
    {
        _a = Container(db.First);
        _b = Container(db.Second);
        var users = new PostgreSqlCredentialStore(db.First, Options.Create(db.Options));
        _ = await users.AddOrReplaceUserAsync(new UserAuthPolicy(_user, [
            new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential()),
            new AuthFactorPolicy("totp", StoredCredential.FromString(TotpSecretBase32))]));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Resume_RedeemedOnAReplayedOnBAfterGrace_RevokesTheFamilyForBoth()
    {
        var original = await FullLoginAndIssueAsync(_a);
        _time.Advance(TimeSpan.FromMinutes(5));

        var (resumed, resumedSession) = await ConnectAsync(_a);
        Assert.True(resumed.Succeeded, Describe(resumed));
        Assert.True(resumedSession.Resumed);
        var successor = Copy(ClientCache.Find(Server, _user)!);

        // A thief replays the first token through B a minute later: B sees it was used on A.
        _time.Advance(TimeSpan.FromMinutes(1));
        ClientCache.Store(Server, _user, Copy(original));
        var (replayed, replaySession) = await ConnectAsync(_b);
        Assert.Equal(ResumeRedeemOutcome.ReusedFamilyRevoked, replaySession.Outcome);
        Assert.False(replaySession.Resumed);
        Assert.True(replayed.Succeeded, Describe(replayed)); // it fell back to the full chain, which the owner passes

        // The owner's rotated token is dead on A too.
        _time.Advance(TimeSpan.FromSeconds(31));
        ClientCache.Store(Server, _user, successor);
        var (_, ownerSession) = await ConnectAsync(_a);
        Assert.Equal(ResumeRedeemOutcome.Revoked, ownerSession.Outcome);
    }

    [Fact]
    public async Task Resume_SignOutEverywhereOnA_RefusesTheTokenBIssued()
    {
        _ = await FullLoginAndIssueAsync(_b);
        Assert.True(await _a.GetRequiredService<IResumeTokenStore>().RevokeUserAsync(_user, default) >= 1);

        _time.Advance(TimeSpan.FromSeconds(31));
        var (_, session) = await ConnectAsync(_b);
        Assert.Equal(ResumeRedeemOutcome.Revoked, session.Outcome);
        Assert.False(session.Resumed);
    }

    [Fact]
    public async Task Totp_CodeAcceptedThroughA_RefusedThroughB()
    {
        using var credentials = AuthCredentials.FromPasswords(_user, Password);
        var throughA = await RunAsync(_a, credentials);
        Assert.True(throughA.Result.Succeeded, Describe(throughA.Result));

        // Same instant, same code, other server: the shared step refuses it (and the client has no token yet to offer instead).
        _ = ClientCache.Remove(Server, _user);
        var throughB = await RunAsync(_b, credentials);
        Assert.False(throughB.Result.Succeeded);
        Assert.Equal(AuthErrorCode.ReplayDetected, throughB.Result.ServerFailureReason);
    }

    private IResumeTokenCache ClientCache => _a.GetRequiredService<IResumeTokenCache>();

    private static ResumeToken Copy(ResumeToken token) => new(token.Value.Span);

    private static string Describe(InMemoryHandshakeResult result) => result.ClientError?.Message ?? result.ServerFailureReason.ToString();

    private async Task<ResumeToken> FullLoginAndIssueAsync(ServiceProvider server)
    {
        using var credentials = AuthCredentials.FromPasswords(_user, Password);
        var (full, session) = await ConnectAsync(server);
        Assert.True(full.Succeeded, Describe(full));
        Assert.False(session.Resumed);
        var token = await server.GetRequiredService<IResumeTokenIssuer>().IssueAsync(full.ServerResult!);
        ClientCache.Store(Server, _user, Copy(token));
        return token;
    }

    private Task<(InMemoryHandshakeResult Result, ResumedSession Session)> ConnectAsync(ServiceProvider server)
    {
        var credentials = AuthCredentials.FromPasswords(_user, Password);
        return RunAsync(server, credentials, dispose: true);
    }

    /// <summary>The client (always container A's negotiator and token cache: one client) against server A or B.</summary>
    private async Task<(InMemoryHandshakeResult Result, ResumedSession Session)> RunAsync(ServiceProvider server, AuthCredentials credentials, bool dispose = false)
    {
        try
        {
            var session = new ResumedSession();
            using var negotiator = _a.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
            using var acceptor = server.GetRequiredService<IAuthAcceptorFactory>().Create(Tls, AcceptorStartMode.Offer, new Dictionary<string, object?>(StringComparer.Ordinal) { [ResumedSession.PropertyKey] = session });
            using var connection = InMemoryAuthConnection.Create(Tls, Tls);
            var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, _user);
            return (result, session);
        }
        finally
        {
            if (dispose)
            {
                credentials.Dispose();
            }
        }
    }

    private ServiceProvider Container(NpgsqlDataSource dataSource)
    {
        var services = new ServiceCollection();
        _ = services.AddSingleton<TimeProvider>(_time);
        _ = services.AddSingleton(dataSource);
        _ = services.Configure<ServerSecretOptions>(o => o.UnknownUserKey = PostgreSqlCachingSha2PasswordCacheConformanceTests.FleetKey);
        _ = services.AddHandshake()
            .AddScram()
            .AddScramVerifier()
            .AddTotp(o => o.Prompt = (_, _) => ValueTask.FromResult(Totp.ComputeCode(TotpSecret, _time, TotpParameters.Default)))
            .AddTotpVerifier()
            .AddResume(o => o.ServerIdentity = Server)
            .AddResumeVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "SCRAM-SHA-256";
                o.AlternativeFirstPlugins.Add("resume");
            })
            .AddPostgreSqlStores(o => o.Schema = db.Schema);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
