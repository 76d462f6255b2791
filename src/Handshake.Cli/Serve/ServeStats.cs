using System.Diagnostics;
using System.Globalization;

namespace Handshake.Cli.Serve;

/// <summary>
/// <c>serve --stats</c>: what a load run divides by its logins, printed on one line when serve stops.
/// Counted from the first accepted connection on (start-up excluded): connections, the bytes the
/// process allocated (<see cref="GC.GetTotalAllocatedBytes(bool)"/>), and the commands Npgsql sent to a
/// shared store (its ActivitySource, one activity per command executed: the store round trips).
/// </summary>
internal sealed class ServeStats : IDisposable
{
    /// <summary>The name of Npgsql's ActivitySource.</summary>
    public const string NpgsqlSource = "Npgsql";

    private readonly ActivityListener _listener;
    private long _connections;
    private long _commands;
    private long _baseBytes = -1;

    public ServeStats()
    {
        // Propagation only: Npgsql creates the activity (so it is counted) but records no tags.
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NpgsqlSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = activity =>
            {
                if (Volatile.Read(ref _baseBytes) >= 0)
                {
                    _ = Interlocked.Increment(ref _commands);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Counts an accepted connection; the first sets the baseline.</summary>
    public void Connection()
    {
        if (Interlocked.Increment(ref _connections) == 1)
        {
            Volatile.Write(ref _baseBytes, GC.GetTotalAllocatedBytes(precise: true));
        }
    }

    /// <summary>The line printed at shutdown.</summary>
    public string Describe()
    {
        var connections = Interlocked.Read(ref _connections);
        var bytes = connections == 0 ? 0 : GC.GetTotalAllocatedBytes(precise: true) - Volatile.Read(ref _baseBytes);
        return string.Create(CultureInfo.InvariantCulture, $"stats: {connections} connection(s); since the first: {bytes} bytes allocated, {Interlocked.Read(ref _commands)} store command(s)");
    }

    public void Dispose() => _listener.Dispose();
}
