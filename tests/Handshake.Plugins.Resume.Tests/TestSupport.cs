using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Plugins.Resume.Tests;

/// <summary>A user as the acceptor would expose it to a verifier (resume needs no stored credential).</summary>
internal sealed class FakeCredentialSource(string? userName) : IVerifierCredentialSource
{
    public string? UserName { get; } = userName;

    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) =>
        ValueTask.FromResult<StoredCredential?>(null);
}

/// <summary>A counter-based random source: distinct, reproducible bytes on every call.</summary>
internal sealed class CountingRandomSource : IRandomSource
{
    private int _counter;

    public void Fill(Span<byte> destination)
    {
        var seed = BitConverter.GetBytes(Interlocked.Increment(ref _counter));
        SHA256.HashData(seed).AsSpan(0, Math.Min(32, destination.Length)).CopyTo(destination);
        if (destination.Length > 32)
        {
            destination[32..].Clear();
        }
    }
}

internal static class TestSupport
{
    public static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 23, 8, 0, 10, TimeSpan.Zero));

    public static AuthResult FullLogin(string user = "alice") =>
        new(user, [new AuthFactorOutcome(1, "SCRAM-SHA-256", ["SCRAM-SHA-256"], 2), new AuthFactorOutcome(2, "totp", ["totp"], 1)], 3, TimeSpan.Zero);

    public static ResumeServerOptions ServerOptions(Action<ResumeServerOptions>? configure = null)
    {
        var options = new ResumeServerOptions();
        configure?.Invoke(options);
        return options;
    }

    public static ResumeTokenIssuer Issuer(IResumeTokenStore store, TimeProvider time, IRandomSource random, ResumeServerOptions? options = null) =>
        new(store, Options.Create(options ?? new ResumeServerOptions()), time, random);

    /// <summary>Presents a token to a fresh verifier exchange, as the acceptor would.</summary>
    public static async Task<(VerifierStep Step, ResumedSession Session)> PresentAsync(IResumeTokenStore store, ResumeToken token, TimeProvider time, IRandomSource random, ResumeServerOptions? options = null, string user = "alice")
    {
        var session = new ResumedSession();
        var verifier = new ResumeVerifier(Options.Create(options ?? new ResumeServerOptions()), store);
        var context = new VerifierContext("resume", "resume", 1, Tls, new FakeCredentialSource(user))
        {
            Time = time,
            Random = random,
            Properties = new Dictionary<string, object?>(StringComparer.Ordinal) { [ResumedSession.PropertyKey] = session },
        };
        using var exchange = verifier.Start(context);
        await exchange.BeginAsync(CancellationToken.None);
        var step = await exchange.ProcessAsync(token.Value.ToArray(), CancellationToken.None);
        return (step, session);
    }
}
