using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Handshake.Testing.Conformance.Adapters;

/// <summary>
/// The failed handshakes (role and <c>error.type</c> of each <c>handshake.authentications</c> failure)
/// measured on one test's own <see cref="ScopedMeterFactory"/>, so tests running in parallel do not see
/// each other's.
/// </summary>
public sealed class FailureRecorder : IEnumerable<(string? Role, string? Code)>, IDisposable
{
    private readonly ConcurrentQueue<(string? Role, string? Code)> _failures = new();
    private readonly MeterListener _listener = new();

    /// <summary>Starts listening to the meters <paramref name="meters"/> creates.</summary>
    /// <param name="meters">The test's own meter factory.</param>
    public FailureRecorder(ScopedMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "handshake.authentications")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            if (all.Any(t => t.Key == "handshake.outcome" && (string?)t.Value == "failure"))
            {
                _failures.Enqueue((all.FirstOrDefault(t => t.Key == "handshake.role").Value?.ToString(), all.FirstOrDefault(t => t.Key == "error.type").Value?.ToString()));
            }
        });
        _listener.Start();
    }

    /// <inheritdoc />
    public IEnumerator<(string? Role, string? Code)> GetEnumerator() => _failures.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
