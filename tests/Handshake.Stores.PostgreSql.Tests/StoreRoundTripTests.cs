// The client token cache owns the tokens stored in it.
#pragma warning disable CA2000
using System.Diagnostics;
using System.Text;
using Handshake.Mfa;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Handshake.Stores.PostgreSql.Tests;

/// <summary>
/// Store calls per login against the PostgreSQL stores, counted by wrappers around each store
/// interface (each call is one statement, one round trip once the pool is warm; a resume redemption is
/// one transaction of three). The counts are exact: a change that adds a round trip to a login fails here.
/// Npgsql's own commands are counted too, from its ActivitySource ("Npgsql", one activity per command
/// executed, whatever its statements): the commands each login sends to PostgreSQL.
/// </summary>
public sealed class StoreRoundTripTests(PostgresDatabase db, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Server = "db.example:5432";
    private const string Password = "pencil";
    private static readonly byte[] TotpSecret = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 10, TimeSpan.Zero));
    private readonly Counts _counts = new();
    private readonly string _scramUser = $"s{Guid.NewGuid():N}"[..16];
    private readonly string _mfaUser = $"m{Guid.NewGuid():N}"[..16];
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        _ = services.AddSingleton<TimeProvider>(_time);
        _ = services.AddSingleton(db.First);
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
        _ = services.Replace(ServiceDescriptor.Singleton<ICredentialStore>(sp => new CountingCredentialStore(sp.GetRequiredService<PostgreSqlCredentialStore>(), _counts)));
        _ = services.Replace(ServiceDescriptor.Singleton<ITotpStateStore>(sp => new CountingTotpStateStore(sp.GetRequiredService<PostgreSqlTotpStateStore>(), _counts)));
        _ = services.Replace(ServiceDescriptor.Singleton<IResumeTokenStore>(sp => new CountingResumeTokenStore(sp.GetRequiredService<PostgreSqlResumeTokenStore>(), _counts)));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var users = _services.GetRequiredService<PostgreSqlCredentialStore>();
        var scram = new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential());
        _ = await users.AddOrReplaceUserAsync(new UserAuthPolicy(_scramUser, [scram]));
        _ = await users.AddOrReplaceUserAsync(new UserAuthPolicy(_mfaUser, [scram, new AuthFactorPolicy("totp", StoredCredential.FromString("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))]));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Logins_StoreCallsPerLogin_AreExactly()
    {
        var scram = await CountAsync(_scramUser);

        // The TOTP store checks the schema's version once per process, on its first use: warm it, then count a steady login.
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.True((await RunAsync(_mfaUser)).Succeeded);
        _time.Advance(TimeSpan.FromSeconds(31));
        var mfa = await CountAsync(_mfaUser);

        _time.Advance(TimeSpan.FromSeconds(31));
        var full = await RunAsync(_mfaUser);
        Assert.True(full.Succeeded, full.ClientError?.Message ?? full.ServerFailureReason.ToString());
        var token = await _services.GetRequiredService<IResumeTokenIssuer>().IssueAsync(full.ServerResult!);
        _services.GetRequiredService<IResumeTokenCache>().Store(Server, _mfaUser, token);
        _time.Advance(TimeSpan.FromMinutes(1));
        var resume = await CountAsync(_mfaUser);

        output.WriteLine($"store calls per login (PostgreSQL): SCRAM {scram}; SCRAM + TOTP {mfa}; resume {resume}");
        Assert.Equal("credentials 1, totp 0, tokens 0, npgsql commands 1", scram.ToString());
        Assert.Equal("credentials 1, totp 2, tokens 0, npgsql commands 3", mfa.ToString());
        Assert.Equal("credentials 1, totp 0, tokens 1, npgsql commands 3", resume.ToString());
    }

    private async Task<Snapshot> CountAsync(string user)
    {
        _counts.Reset();

        // Npgsql's commands on this class's schema (its statement text names it): other classes' commands, run in parallel, are not counted.
        var commands = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName.Contains(db.Schema, StringComparison.Ordinal) || activity.TagObjects.Any(t => t.Value is string text && text.Contains(db.Schema, StringComparison.Ordinal)))
                {
                    _ = Interlocked.Increment(ref commands);
                    lock (_counts)
                    {
                        output.WriteLine($"  {user}: {activity.GetTagItem("db.query.text") ?? activity.DisplayName}");
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var result = await RunAsync(user);
        Assert.True(result.Succeeded, result.ClientError?.Message ?? result.ServerFailureReason.ToString());
        return _counts.Snapshot() with { NpgsqlCommands = Volatile.Read(ref commands) };
    }

    private async Task<InMemoryHandshakeResult> RunAsync(string user)
    {
        using var credentials = AuthCredentials.FromPasswords(user, Password);
        using var negotiator = _services.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        using var acceptor = _services.GetRequiredService<IAuthAcceptorFactory>().Create(Tls, AcceptorStartMode.Offer, new Dictionary<string, object?>(StringComparer.Ordinal) { [ResumedSession.PropertyKey] = new ResumedSession() });
        using var connection = InMemoryAuthConnection.Create(Tls, Tls);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, user);
    }

    private readonly record struct Snapshot(int Credentials, int Totp, int Tokens, int NpgsqlCommands = 0)
    {
        public override string ToString() => $"credentials {Credentials}, totp {Totp}, tokens {Tokens}, npgsql commands {NpgsqlCommands}";
    }

    private sealed class Counts
    {
        private int _credentials;
        private int _totp;
        private int _tokens;

        public void Credential() => Interlocked.Increment(ref _credentials);

        public void TotpCall() => Interlocked.Increment(ref _totp);

        public void Token() => Interlocked.Increment(ref _tokens);

        public void Reset() => (_credentials, _totp, _tokens) = (0, 0, 0);

        public Snapshot Snapshot() => new(Volatile.Read(ref _credentials), Volatile.Read(ref _totp), Volatile.Read(ref _tokens));
    }

    private sealed class CountingCredentialStore(ICredentialStore inner, Counts counts) : ICredentialStore
    {
        public ValueTask<UserAuthPolicy?> FindUserAsync(string userName, CancellationToken cancellationToken)
        {
            counts.Credential();
            return inner.FindUserAsync(userName, cancellationToken);
        }
    }

    private sealed class CountingTotpStateStore(ITotpStateStore inner, Counts counts) : ITotpStateStore
    {
        public ValueTask<bool> IsLockedOutAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
        {
            counts.TotpCall();
            return inner.IsLockedOutAsync(key, now, cancellationToken);
        }

        public ValueTask<TotpStepResult> TryAcceptStepAsync(string key, long timeStep, DateTimeOffset now, CancellationToken cancellationToken)
        {
            counts.TotpCall();
            return inner.TryAcceptStepAsync(key, timeStep, now, cancellationToken);
        }

        public ValueTask<bool> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan lockoutDuration, CancellationToken cancellationToken)
        {
            counts.TotpCall();
            return inner.RecordFailureAsync(key, now, maxFailures, lockoutDuration, cancellationToken);
        }
    }

    private sealed class CountingResumeTokenStore(IResumeTokenStore inner, Counts counts) : IResumeTokenStore
    {
        public ValueTask AddAsync(string tokenHash, ResumeTokenRecord record, CancellationToken cancellationToken)
        {
            counts.Token();
            return inner.AddAsync(tokenHash, record, cancellationToken);
        }

        public ValueTask<ResumeRedeemResult> RedeemAsync(ResumeRedeemRequest request, CancellationToken cancellationToken)
        {
            counts.Token();
            return inner.RedeemAsync(request, cancellationToken);
        }

        public ValueTask<bool> RevokeFamilyAsync(string familyId, CancellationToken cancellationToken)
        {
            counts.Token();
            return inner.RevokeFamilyAsync(familyId, cancellationToken);
        }

        public ValueTask<int> RevokeUserAsync(string userName, CancellationToken cancellationToken)
        {
            counts.Token();
            return inner.RevokeUserAsync(userName, cancellationToken);
        }
    }
}
