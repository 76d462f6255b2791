using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Handshake.Mfa.Tests;

/// <summary>A user and stored credentials as the acceptor would expose them to a verifier.</summary>
internal sealed class FakeCredentialSource(string? userName, StoredCredential? credential) : IVerifierCredentialSource
{
    public string? UserName { get; } = userName;

    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) =>
        ValueTask.FromResult(credential);
}

/// <summary>A fixed random source so tests can pin secrets.</summary>
internal sealed class FixedRandomSource(byte value) : IRandomSource
{
    public int Calls { get; private set; }

    public void Fill(Span<byte> destination)
    {
        Calls++;
        destination.Fill(value);
    }
}

internal static class TestSupport
{
    // RFC 6238's SHA-1 test secret, base32: what an authenticator app would hold.
    public const string SecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    public static readonly byte[] SecretBytes = Encoding.ASCII.GetBytes("12345678901234567890");

    public static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };

    // A time well inside a step: step 56_666_666 starts at 1_699_999_980.
    public static FakeTimeProvider NewClock() => new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public static byte[] CodeAt(FakeTimeProvider time, int stepOffset, TotpParameters? parameters = null)
    {
        parameters ??= TotpParameters.Default;
        var code = new byte[parameters.Digits];
        Totp.WriteCode(SecretBytes, Totp.GetTimeStep(time.GetUtcNow(), parameters.PeriodSeconds) + stepOffset, parameters, code);
        return code;
    }

    // What a host does at start: runs every ValidateOnStart check.
    public static async Task ValidateAtStartAsync(IServiceProvider services) =>
        await Task.Run(() => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IStartupValidator>(services).Validate());

    public static TotpVerifier Verifier(ITotpStateStore? store = null, Action<TotpVerifierOptions>? configure = null)
    {
        var options = new TotpVerifierOptions();
        configure?.Invoke(options);
        return new TotpVerifier(Options.Create(options), store ?? new InMemoryTotpStateStore());
    }

    public static VerifierContext VerifierContext(TimeProvider time, string? user = "alice", string? stored = SecretBase32, int factor = 2) =>
        new("totp", "totp", factor, Tls, new FakeCredentialSource(user, stored is null ? null : StoredCredential.FromString(stored)))
        {
            Time = time,
        };

    public static async Task<VerifierStep> PresentAsync(TotpVerifier verifier, VerifierContext context, ReadOnlyMemory<byte> code)
    {
        using var exchange = verifier.Start(context);
        _ = await exchange.BeginAsync(CancellationToken.None);
        return await exchange.ProcessAsync(code, CancellationToken.None);
    }
}
