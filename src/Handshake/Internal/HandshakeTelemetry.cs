using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Handshake.Internal;

/// <summary>Metrics and traces from the BCL. Tags never carry a secret: role, outcome, error code, plugin names.</summary>
internal sealed class HandshakeTelemetry : IDisposable
{
    public const string Name = "Handshake";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _handshakes;
    private readonly Counter<long> _failures;
    private readonly Histogram<int> _rounds;
    private readonly Histogram<double> _duration;

    public HandshakeTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _handshakes = _meter.CreateCounter<long>("handshake.authentications", "{handshake}", "Handshakes that ended, by role and outcome.");
        _failures = _meter.CreateCounter<long>("handshake.failures", "{handshake}", "Failed handshakes, by role and error code.");
        _rounds = _meter.CreateHistogram<int>("handshake.rounds", "{round}", "Rounds per completed handshake.");
        _duration = _meter.CreateHistogram<double>("handshake.duration", "s", "Duration of handshakes.");
    }

    public void Succeeded(string role, int rounds, TimeSpan elapsed)
    {
        var roleTag = new KeyValuePair<string, object?>("handshake.role", role);
        _handshakes.Add(1, roleTag, new KeyValuePair<string, object?>("handshake.outcome", "success"));
        _rounds.Record(rounds, roleTag);
        _duration.Record(elapsed.TotalSeconds, roleTag);
    }

    public void Failed(string role, AuthErrorCode code, TimeSpan elapsed)
    {
        var roleTag = new KeyValuePair<string, object?>("handshake.role", role);
        _handshakes.Add(1, roleTag, new KeyValuePair<string, object?>("handshake.outcome", "failure"));
        _failures.Add(1, roleTag, new KeyValuePair<string, object?>("handshake.error.code", code.ToString()));
        _duration.Record(elapsed.TotalSeconds, roleTag);
    }

    public void Dispose() => _meter.Dispose();
}
