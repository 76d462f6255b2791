using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Handshake.Internal;

/// <summary>
/// Metrics and traces from the BCL, named after the OpenTelemetry semantic conventions: a duration
/// histogram in seconds with bucket advice, <c>error.type</c> on failures, the mechanism as an
/// attribute, and a versioned Meter and ActivitySource. Attributes never carry a secret, and the
/// mechanism is always a registered name (never text a peer chose), so its cardinality is bounded.
/// </summary>
internal sealed class HandshakeTelemetry : IDisposable
{
    public const string Name = "Handshake";

    public const string RoleAttribute = "handshake.role";
    public const string MechanismAttribute = "handshake.mechanism";
    public const string OutcomeAttribute = "handshake.outcome";
    public const string ErrorTypeAttribute = "error.type";

    /// <summary>
    /// Bucket boundaries in seconds: an in-memory native-password exchange takes tens of microseconds,
    /// a SCRAM login with PBKDF2 about a millisecond, a login over a network tens of milliseconds, and a
    /// login waiting for a person (a TOTP prompt) seconds; the SDK's default boundaries (0, 5, 10, ...)
    /// would put all of them in the first bucket.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public static readonly IReadOnlyList<int> RoundBuckets = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32];

    public static readonly string Version =
        typeof(HandshakeTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static readonly ActivitySource Source = new(Name, Version);

    private readonly Meter _meter;
    private readonly Counter<long> _handshakes;
    private readonly Histogram<int> _rounds;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _derivationQueue;
    private readonly Histogram<double> _derivationDuration;

    public HandshakeTelemetry(IMeterFactory? meterFactory = null)
    {
        var meterOptions = new MeterOptions(Name) { Version = Version };
        _meter = meterFactory?.Create(meterOptions) ?? new Meter(meterOptions);
        _handshakes = _meter.CreateCounter<long>("handshake.authentications", "{handshake}", "Handshakes that ended, by role, mechanism and outcome; failures carry error.type.");
        _rounds = _meter.CreateHistogram("handshake.rounds", "{round}", "Rounds per completed handshake.", tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = RoundBuckets });
        _duration = _meter.CreateHistogram("handshake.duration", "s", "Duration of handshakes, successful or not; failures carry error.type.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _derivationQueue = _meter.CreateUpDownCounter<long>("handshake.key_derivation.queue_length", "{derivation}", "Key derivations (PBKDF2) waiting for a slot of the process's limiter.");
        _derivationDuration = _meter.CreateHistogram("handshake.key_derivation.duration", "s", "Time a key derivation held its slot of the process's limiter.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public void KeyDerivationQueued(long delta) => _derivationQueue.Add(delta);

    public void KeyDerivationCompleted(TimeSpan elapsed) => _derivationDuration.Record(elapsed.TotalSeconds);

    public void Succeeded(string role, string? mechanism, int rounds, TimeSpan elapsed)
    {
        var tags = new TagList { { RoleAttribute, role }, { MechanismAttribute, mechanism ?? "none" } };
        _rounds.Record(rounds, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
        tags.Add(OutcomeAttribute, "success");
        _handshakes.Add(1, tags);
    }

    public void Failed(string role, string? mechanism, AuthErrorCode code, TimeSpan elapsed)
    {
        var tags = new TagList { { RoleAttribute, role }, { MechanismAttribute, mechanism ?? "none" }, { ErrorTypeAttribute, ErrorType(code) } };
        _duration.Record(elapsed.TotalSeconds, tags);
        tags.Add(OutcomeAttribute, "failure");
        _handshakes.Add(1, tags);
    }

    /// <summary>Marks an activity as failed the way the semantic conventions ask: status Error and <c>error.type</c>.</summary>
    public static void MarkFailed(Activity? activity, AuthErrorCode code)
    {
        if (activity is null)
        {
            return;
        }

        var type = ErrorType(code);
        activity.SetTag(ErrorTypeAttribute, type);
        activity.SetStatus(ActivityStatusCode.Error, type);
    }

    /// <summary>The stable code's name, which is what <c>error.type</c> asks for: low-cardinality and documented.</summary>
    public static string ErrorType(AuthErrorCode code) => code switch
    {
        AuthErrorCode.Unspecified => "_OTHER",
        _ => code.ToString(),
    };

    public void Dispose() => _meter.Dispose();
}
