using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;
using MailKit.Security;

namespace Handshake.Benchmarks;

/// <summary>
/// Issue 9 item 3: MailKit's SCRAM-SHA-256 client (the baseline) and ours, each driven through the
/// RFC 7677 §3 transcript. MailKit gets the RFC's exact client nonce (set on its internal cnonce
/// field, as MailKit's own tests do); ours runs the same transcript with the nonce its pinned random
/// source makes. MailKit's API takes and returns base64 (its SASL boundary); ours takes raw bytes.
/// </summary>
[MemoryDiagnoser]
public class MailKitComparisonBenchmarks
{
    private static readonly FieldInfo MailKitClientNonce =
        typeof(SaslMechanismScramBase).GetField("cnonce", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("MailKit's SaslMechanismScramBase has no cnonce field any more; the transcript cannot be pinned.");

    private static readonly string ServerFirstBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(Rfc7677.ServerFirst));
    private static readonly string ServerFinalBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(Rfc7677.ServerFinal));
    private static readonly string ClientFirstBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(Rfc7677.ClientFirst));
    private static readonly string ClientFinalBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(Rfc7677.ClientFinal));

    private Microsoft.Extensions.DependencyInjection.ServiceProvider _services = null!;
    private AuthCredentials _credentials = null!;
    private ScramTranscript _ours = null!;

    [GlobalSetup]
    public void Setup()
    {
        _credentials = AuthCredentials.FromPasswords(Rfc7677.User, Rfc7677.Password);
        _services = HandshakeHost.Scram(warmCache: false, new PinnedRandom(ScramTranscript.PinnedByte));
        _ours = new ScramTranscript(
            _services,
            _credentials,
            Encoding.ASCII.GetBytes(Rfc7677.ServerFirstFor(ScramTranscript.PinnedClientNonce)),
            Encoding.ASCII.GetBytes(Rfc7677.ServerFinalFor(ScramTranscript.PinnedClientNonce)));
        _ours.RunBareSteps();

        // MailKit must produce the RFC's messages byte for byte and authenticate.
        var mailKit = NewMailKit();
        if (mailKit.Challenge(string.Empty) != ClientFirstBase64
            || mailKit.Challenge(ServerFirstBase64) != ClientFinalBase64
            || mailKit.Challenge(ServerFinalBase64).Length != 0
            || !mailKit.IsAuthenticated)
        {
            throw new InvalidOperationException("MailKit did not reproduce the RFC 7677 transcript.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _credentials.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "MailKit SaslMechanismScramSha256")]
    public bool MailKitClient()
    {
        var mailKit = NewMailKit();
        _ = mailKit.Challenge(string.Empty);
        _ = mailKit.Challenge(ServerFirstBase64);
        _ = mailKit.Challenge(ServerFinalBase64);
        return mailKit.IsAuthenticated;
    }

    [Benchmark(Description = "Handshake SCRAM-SHA-256 (bare client steps)")]
    public void HandshakeClient() => _ours.RunBareSteps();

    private static SaslMechanismScramSha256 NewMailKit()
    {
        var mechanism = new SaslMechanismScramSha256(Rfc7677.User, Rfc7677.Password);
        MailKitClientNonce.SetValue(mechanism, Rfc7677.ClientNonce);
        return mechanism;
    }
}
