using System.Text;
using Handshake.Testing.Conformance;
using Handshake.Mfa;
using Handshake.Plugins.Scram;
using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Handshake.Plugins.Resume.Tests.TestSupport;

namespace Handshake.Plugins.Resume.Tests;

/// <summary>Resumption over the engine: SCRAM-SHA-256 then TOTP as the full chain, "resume" as the alternative.</summary>
public sealed class ResumeEndToEndTests : IAsyncDisposable
{
    private const string Server = "db1.example:5432";
    private const string Password = "pencil";

    // RFC 6238's SHA-1 test secret.
    private const string TotpSecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static readonly byte[] TotpSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    private readonly FakeTimeProvider _time = NewClock();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServiceProvider _services;
    private int _prompts;

    public ResumeEndToEndTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddHandshake()
            .AddScram()
            .AddScramVerifier()
            .AddTotp(o => o.Prompt = (_, _) =>
            {
                Interlocked.Increment(ref _prompts);
                return ValueTask.FromResult(Totp.ComputeCode(TotpSecret, _time, TotpParameters.Default));
            })
            .AddTotpVerifier()
            .AddResume(o => o.ServerIdentity = Server)
            .AddResumeVerifier()
            .AddAcceptor(o =>
            {
                o.DefaultPlugin = "SCRAM-SHA-256";
                o.AlternativeFirstPlugins.Add("resume");
            })
            .AddInMemoryCredentialStore(s => s.AddUser(
                "alice",
                new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential()),
                new AuthFactorPolicy("totp", StoredCredential.FromString(TotpSecretBase32))));
        _services = services.BuildServiceProvider();
    }

    private IResumeTokenCache Cache => _services.GetRequiredService<IResumeTokenCache>();

    private IResumeTokenIssuer Issuer => _services.GetRequiredService<IResumeTokenIssuer>();

    private IResumeTokenStore Store => _services.GetRequiredService<IResumeTokenStore>();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _logs.Dispose();
    }

    private async Task<(InMemoryHandshakeResult Result, ResumedSession Session)> ConnectAsync(AuthCredentials credentials)
    {
        var session = new ResumedSession();
        using var negotiator = _services.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, Tls);
        using var acceptor = _services.GetRequiredService<IAuthAcceptorFactory>().Create(Tls, AcceptorStartMode.Offer, new Dictionary<string, object?>(StringComparer.Ordinal) { [ResumedSession.PropertyKey] = session });
        using var connection = InMemoryAuthConnection.Create(Tls, Tls);
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, "alice");
        return (result, session);
    }

    /// <summary>A full login (SCRAM + prompted TOTP), then the token the server application issues and hands to the client.</summary>
    private async Task<ResumeToken> FullLoginAndIssueAsync()
    {
        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        var (full, session) = await ConnectAsync(credentials);
        Assert.True(full.Succeeded, full.ClientError?.Message ?? full.ServerFailureReason.ToString());
        Assert.False(session.Resumed);
        var token = await Issuer.IssueAsync(full.ServerResult!);
        Cache.Store(Server, "alice", token);
        return token;
    }

    [Fact]
    public async Task RunAsync_CachedToken_ResumesWithoutScramOrTotpPromptAndRotates()
    {
        var issued = await FullLoginAndIssueAsync();
        Assert.Equal(1, _prompts);
        _time.Advance(TimeSpan.FromMinutes(5));

        using var credentials = AuthCredentials.FromPasswords("alice", Password);
        var (resumed, session) = await ConnectAsync(credentials);

        Assert.True(resumed.Succeeded, resumed.ClientError?.Message ?? resumed.ServerFailureReason.ToString());
        Assert.Equal(1, _prompts);

        // SCRAM never started on either side, so no PBKDF2 ran; TOTP never started either.
        var clientFactor = Assert.Single(resumed.ClientResult!.Factors);
        Assert.Equal(["resume"], clientFactor.PluginsTried);
        Assert.Equal(["resume"], Assert.Single(resumed.ServerResult!.Factors).PluginsTried);

        // AuthResult counts this handshake's factors; the original login's level comes from the session.
        Assert.Equal(1, resumed.ServerResult.AssuranceLevel);
        Assert.True(session.Resumed);
        Assert.Equal(2, session.AssuranceLevel);
        Assert.Equal(["SCRAM-SHA-256", "totp"], session.Record!.Factors);
        Assert.Equal(1, session.Record.Generation);

        using var rotated = Cache.Find(Server, "alice");
        Assert.NotNull(rotated);
        Assert.False(rotated.ValueEquals(issued));

        _time.Advance(TimeSpan.FromMinutes(5));
        var (again, againSession) = await ConnectAsync(credentials);
        Assert.True(again.Succeeded);
        Assert.Equal(2, againSession.AssuranceLevel);
        Assert.Equal(2, againSession.Record!.Generation);
    }

    [Fact]
    public async Task RunAsync_RefusedToken_FallsBackToFullScramAndTotpInTheSameConnection()
    {
        await FullLoginAndIssueAsync();
        await Store.RevokeUserAsync("alice", CancellationToken.None);

        // Past the TOTP step of the first login, so its replay protection does not refuse the code.
        _time.Advance(TimeSpan.FromSeconds(31));
        using var credentials = AuthCredentials.FromPasswords("alice", Password, TotpSecretBase32);
        var (result, session) = await ConnectAsync(credentials);

        Assert.True(result.Succeeded, result.ClientError?.Message ?? result.ServerFailureReason.ToString());
        Assert.Equal(["SCRAM-SHA-256", "totp"], result.ClientResult!.Factors.Select(f => f.PluginName));
        Assert.Equal(["resume", "SCRAM-SHA-256"], result.ClientResult.Factors[0].PluginsTried);
        Assert.Equal(["resume", "SCRAM-SHA-256"], result.ServerResult!.Factors[0].PluginsTried);
        Assert.Equal(2, result.ServerResult.AssuranceLevel);
        Assert.Equal(ResumeRedeemOutcome.Revoked, session.Outcome);
        Assert.False(session.Resumed);
        Assert.Equal(1, _prompts);
        Assert.Null(Cache.Find(Server, "alice"));
    }

    [Fact]
    public async Task RunAsync_RefusedTokenOverTlsThatCanBind_FallsBackToScramPlusNotPlainScram()
    {
        // RFC 5802 §6: the offer advertised SCRAM-SHA-256-PLUS; a refused token must not become a way
        // to strip channel binding (the switch names -PLUS, and the verifier still knows the offer).
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var tls = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate };
        using (var stale = new ResumeToken(new byte[ResumeToken.Length]))
        {
            Cache.Store(Server, "alice", stale);
        }

        using var credentials = AuthCredentials.FromPasswords("alice", Password, TotpSecretBase32);
        var session = new ResumedSession();
        using var negotiator = _services.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, tls);
        using var acceptor = _services.GetRequiredService<IAuthAcceptorFactory>().Create(tls, AcceptorStartMode.Offer, new Dictionary<string, object?>(StringComparer.Ordinal) { [ResumedSession.PropertyKey] = session });
        using var connection = InMemoryAuthConnection.Create(tls, tls);
        var recorder = new TranscriptRecorder();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, "alice", recorder.Record);

        Assert.True(result.Succeeded, result.ClientError?.Message ?? result.ServerFailureReason.ToString());
        Assert.Equal(ResumeRedeemOutcome.Unknown, session.Outcome);
        Assert.Equal(["resume", "SCRAM-SHA-256-PLUS"], result.ServerResult!.Factors[0].PluginsTried);
        Assert.Contains(recorder.Entries, e => e.Step == nameof(AuthEventKind.Switch) && e.PluginName == "SCRAM-SHA-256-PLUS");
    }

    [Fact]
    public async Task RunAsync_NoCachedToken_GoesStraightToTheFullChain()
    {
        _time.Advance(TimeSpan.Zero);
        using var credentials = AuthCredentials.FromPasswords("alice", Password, TotpSecretBase32);

        var (result, session) = await ConnectAsync(credentials);

        Assert.True(result.Succeeded, result.ClientError?.Message);
        Assert.Equal(["SCRAM-SHA-256"], result.ClientResult!.Factors[0].PluginsTried);
        Assert.Null(session.Outcome);
    }

    [Fact]
    public async Task RunAsync_StolenTokenReplayedAfterGrace_RevokesTheFamilyAndTheOwnerFallsBack()
    {
        var stolen = await FullLoginAndIssueAsync();
        using var credentials = AuthCredentials.FromPasswords("alice", Password, TotpSecretBase32);
        var (owner, _) = await ConnectAsync(credentials);
        Assert.True(owner.Succeeded);
        using var ownersNext = Cache.Find(Server, "alice")!;

        // The thief presents the old token later, without the password: refused, and the family goes.
        _time.Advance(TimeSpan.FromSeconds(31));
        Cache.Store(Server, "alice", stolen);
        using (var thiefCredentials = AuthCredentials.FromPasswords("alice", "guess", "000000"))
        {
            var (thief, thiefSession) = await ConnectAsync(thiefCredentials);
            Assert.False(thief.Succeeded);
            Assert.Equal(ResumeRedeemOutcome.ReusedFamilyRevoked, thiefSession.Outcome);
        }

        // The owner's rotated token is now refused too; the owner logs in fully in the same connection.
        Cache.Store(Server, "alice", ownersNext);
        var (after, afterSession) = await ConnectAsync(credentials);
        Assert.True(after.Succeeded, after.ClientError?.Message);
        Assert.Equal(ResumeRedeemOutcome.Revoked, afterSession.Outcome);
        Assert.Equal(2, after.ServerResult!.AssuranceLevel);
    }

    [Fact]
    public async Task Handshakes_TokensNeverAppearInLogsExceptionsOrDescriptions()
    {
        var issued = await FullLoginAndIssueAsync();
        using var credentials = AuthCredentials.FromPasswords("alice", Password, TotpSecretBase32);
        var (resumed, session) = await ConnectAsync(credentials);
        using var rotated = Cache.Find(Server, "alice")!;
        Cache.Store(Server, "alice", issued);
        _time.Advance(TimeSpan.FromSeconds(31));
        var (fallback, fallbackSession) = await ConnectAsync(credentials);
        using var bad = AuthCredentials.FromPasswords("alice", "wrong");
        var (failed, _) = await ConnectAsync(bad);

        Assert.True(resumed.Succeeded && fallback.Succeeded && !failed.Succeeded);
        var texts = new List<string>(_logs.Lines)
        {
            issued.ToString(),
            rotated.ToString(),
            session.ToString(),
            fallbackSession.ToString(),
            session.Record!.ToString(),
            resumed.ServerResult!.ToString(),
            failed.ClientError?.ToString() ?? string.Empty,
        };
        Assert.NotEmpty(_logs.Lines);
        foreach (var token in new[] { issued, rotated })
        {
            var forms = new[] { Convert.ToHexString(token.Value.Span), Convert.ToHexStringLower(token.Value.Span), Convert.ToBase64String(token.Value.Span), Encoding.Latin1.GetString(token.Value.Span) };
            foreach (var text in texts)
            {
                foreach (var form in forms)
                {
                    Assert.DoesNotContain(form, text, StringComparison.Ordinal);
                }
            }
        }
    }
}
