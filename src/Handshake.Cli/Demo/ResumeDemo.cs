using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Cli.Internal;
using Handshake.Mfa;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Demo;

/// <summary>
/// The resume page: a full SCRAM + TOTP login earns a resume token; the next connection
/// presents it and skips PBKDF2 and the TOTP prompt; a stolen copy of the spent token is reuse and
/// revokes the family; the owner then falls back to the full chain in the same connection.
/// </summary>
internal sealed class ResumeDemo : IDemoHooks, IDisposable
{
    public const string Key = "resume";

    private const string User = "alice";
    private const string ServerIdentity = "demo-server:5432";

    private readonly DemoClock _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryResumeTokenCache _ownerCache = new();
    private readonly InMemoryResumeTokenCache _thiefCache = new();
    private readonly byte[] _totpSecret = TotpEnrollment.GenerateSecret(SystemRandomSource.Instance);
    private readonly X509Certificate2 _certificate = DemoScenarios.SelfSignedCertificate();
    private ResumedSession _session = new();
    private int _prompts;

    public DemoScenario Build()
    {
        var uri = TotpEnrollment.CreateUri("Handshake demo", User, _totpSecret);
        var tls = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = _certificate };
        return new DemoScenario(
            Key,
            "Session resumption: single-use, rotating resume tokens with reuse detection",
            "TLS is simulated (verified certificate). A full login runs SCRAM-SHA-256 (PBKDF2 on the client) and then asks the person for a TOTP code; after it the server issues a resume token (256 random bits, stored only as a hash) and the client caches it. The next connection offers \"resume\" first: the token stands for the whole chain, so there is no PBKDF2 and no prompt, and the server rotates it. A copy of a spent token presented again is reuse: refused, and the whole family is revoked. The owner's current token then stops working too, and its connection falls back to the full chain in the same connection. The clock is the demo's own, so \"10 minutes later\" is instant.",
            tls,
            AcceptorStartMode.Offer,
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(_clock);
                b.AddScramVerifier()
                    .AddTotpVerifier()
                    .AddResumeVerifier(o => o.ReuseGrace = TimeSpan.Zero) // any reuse revokes the family (no retry grace on this page)
                    .AddAcceptor(o =>
                    {
                        o.DefaultPlugin = "SCRAM-SHA-256";
                        o.AlternativeFirstPlugins.Add(ResumePluginNames.Resume);
                    })
                    .AddFactorPolicies(p => p.Add(
                        User,
                        new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(DemoScenarios.Password, SystemRandomSource.Instance, Verifier.VerifierCommand.DefaultScramIterations).ToStoredCredential()),
                        new AuthFactorPolicy(TotpPluginNames.Totp, StoredCredential.FromString(uri))));
            },
            [
                new("logs in: password, then the code from the authenticator (full login)", b => Client(b, _ownerCache), () => AuthCredentials.FromPasswords(User, DemoScenarios.Password), ExpectSuccess: true),
                new("reconnects with the cached resume token", b => Client(b, _ownerCache), () => AuthCredentials.FromPasswords(User, DemoScenarios.Password), ExpectSuccess: true),
                new("is impersonated: an attacker presents a copy of the spent first token, without the password", b => Client(b, _thiefCache), () => new AuthCredentials(User), ExpectSuccess: false),
                new("reconnects with its current token, now revoked", b => Client(b, _ownerCache), () => AuthCredentials.FromPasswords(User, DemoScenarios.Password), ExpectSuccess: true),
            ],
            [this],
            this);
    }

    public IReadOnlyDictionary<string, object?>? AcceptorProperties(int index)
    {
        _session = new ResumedSession();
        return new Dictionary<string, object?> { [ResumedSession.PropertyKey] = _session };
    }

    public async Task BeforeAsync(int index, TextWriter output, Ansi style)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        _prompts = 0;
        var by = index switch { 0 => TimeSpan.Zero, 1 => TimeSpan.FromMinutes(10), _ => TimeSpan.FromMinutes(1) };
        _clock.Advance(by);
        if (by > TimeSpan.Zero)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(style.Dim($"({by.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minute(s) later, {_clock.GetUtcNow():HH:mm} UTC on the demo's clock: a new connection)")).ConfigureAwait(false);
        }
    }

    public async Task AfterAsync(int index, IServiceProvider server, InMemoryHandshakeResult result, TextWriter output, Ansi style, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        await output.WriteLineAsync($"      client: TOTP prompt shown {_prompts} time(s); {(UsedScram(result) ? "SCRAM ran, so PBKDF2 ran (4096 iterations)" : "no SCRAM, so no PBKDF2")}").ConfigureAwait(false);
        if (_session.Outcome is { } outcome)
        {
            var detail = _session.Resumed
                ? $"resumed the login of {_session.Record!.IssuedAt:HH:mm} (family {_session.Record.FamilyId}, generation {_session.Record.Generation}): authorize on its assurance level {_session.AssuranceLevel} [{string.Join(", ", _session.Record.Factors)}]; the rotated token went back to the client"
                : outcome switch
                {
                    ResumeRedeemOutcome.ReusedFamilyRevoked => "the token had been used already: reuse, so the whole family is revoked (the owner's current token too)",
                    ResumeRedeemOutcome.Revoked => "the token's family was revoked: resumption declined, the client was switched to the full chain",
                    _ => $"resumption declined ({outcome}): the client was switched to the full chain",
                };
            await output.WriteLineAsync($"      server: resume {outcome}: {detail}").ConfigureAwait(false);
        }

        if (result.ServerResult is { } login && !_session.Resumed)
        {
            // A full login: issue the first token of a new family (an adapter would send it after
            // authentication; in process it goes straight into the client's cache).
            using var token = await server.GetRequiredService<IResumeTokenIssuer>().IssueAsync(login, cancellationToken).ConfigureAwait(false);
            _ownerCache.Store(ServerIdentity, User, token);
            await output.WriteLineAsync($"      server: issued a resume token (family {token.FamilyId}, absolute expiry {token.ExpiresAt:yyyy-MM-dd HH:mm} UTC); the client cached it").ConfigureAwait(false);
            if (index == 0)
            {
                // The story's attacker: a copy of this first token taken from the client's disk.
                _thiefCache.Store(ServerIdentity, User, token);
                await output.WriteLineAsync(style.Dim("      (an attacker copies this first token from the client's disk)")).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_totpSecret);
        _certificate.Dispose();
    }

    private static bool UsedScram(InMemoryHandshakeResult result) =>
        (result.ClientResult?.Factors ?? []).Any(f => f.PluginName.StartsWith("SCRAM", StringComparison.Ordinal));

    private void Client(IHandshakeBuilder builder, IResumeTokenCache cache)
    {
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton(cache);
        builder.AddScram()
            .AddTotp(o => o.Prompt = (prompt, _) =>
            {
                // The person's authenticator app: the code for the current step of the enrolled secret.
                _prompts++;
                return ValueTask.FromResult(Totp.ComputeCode(_totpSecret, _clock, TotpParameters.Default));
            })
            .AddResume(o => o.ServerIdentity = ServerIdentity);
    }
}
