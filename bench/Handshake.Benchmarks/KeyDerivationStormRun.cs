using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Handshake.Benchmarks;

/// <summary>
/// A connection storm: N cold SCRAM logins (no derived-key cache, so each runs PBKDF2 at 4096
/// iterations) started at once over the in-memory transport, while a probe on a thread of its own
/// queues one work item to the thread pool every 5 ms and records how long the pool took to run it:
/// the delay every other piece of the application sees (dotnet/runtime#112898). "limited" runs with the
/// engine's key-derivation limiter at its default (the processor count); "unlimited" removes the bound.
/// BenchmarkDotNet measures a method's own time, not another task's latency, so this runs directly;
/// run one mode per process, since the thread pool keeps the threads a run injected.
/// </summary>
internal static class KeyDerivationStormRun
{
    public const int DefaultCount = 500;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(5);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var modes = args.Where(a => a is "limited" or "unlimited").ToList();
        if (modes.Count == 0)
        {
            modes = ["limited", "unlimited"];
        }

        var countArg = args.FirstOrDefault(a => a.All(char.IsAsciiDigit));
        var count = countArg is null ? DefaultCount : int.Parse(countArg, CultureInfo.InvariantCulture);
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, thread pool min {minWorkers} workers");
        foreach (var mode in modes)
        {
            await RunModeAsync(mode, count).ConfigureAwait(false);
        }

        return 0;
    }

    [SuppressMessage("Reliability", "CA2025", Justification = "Task.WhenAll awaits every login before the container and the credentials are disposed.")]
    private static async Task RunModeAsync(string mode, int count)
    {
        using var services = HandshakeHost.Scram(warmCache: false, maxConcurrentKeyDerivations: mode == "unlimited" ? int.MaxValue : null);
        using var credentials = AuthCredentials.FromPasswords(Rfc7677.User, Rfc7677.Password);
        await HandshakeHost.RunInMemoryAsync(services, credentials).ConfigureAwait(false); // JIT

        var latencies = new List<double>(4096);
        using var stop = new CancellationTokenSource();
        var probe = new Thread(() => Probe(latencies, stop.Token)) { IsBackground = true, Name = "thread-pool probe" };
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logins = new Task[count];
        for (var i = 0; i < count; i++)
        {
            logins[i] = Task.Run(async () =>
            {
                await gate.Task.ConfigureAwait(false);
                await HandshakeHost.RunInMemoryAsync(services, credentials).ConfigureAwait(false);
            });
        }

        probe.Start();
        var watch = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(logins).ConfigureAwait(false);
        watch.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        probe.Join();

        latencies.Sort();
        Console.WriteLine(
            $"{mode}: {count} cold SCRAM logins in {watch.Elapsed.TotalMilliseconds:N0} ms; thread-pool probe ({latencies.Count} samples): " +
            $"p50 {Percentile(latencies, 0.50):N2} ms, p99 {Percentile(latencies, 0.99):N2} ms, max {(latencies.Count == 0 ? 0 : latencies[^1]):N2} ms");
    }

    /// <summary>Queues one work item at a time to the pool's global queue and records the delay until it ran.</summary>
    private static void Probe(List<double> latencies, CancellationToken stop)
    {
        using var ran = new ManualResetEventSlim();
        var queuedAt = 0L;
        var delay = 0.0;
        while (!stop.IsCancellationRequested)
        {
            ran.Reset();
            queuedAt = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    delay = Stopwatch.GetElapsedTime(queuedAt).TotalMilliseconds;
                    ran.Set();
                },
                null);
            ran.Wait(CancellationToken.None);
            latencies.Add(delay);
            Thread.Sleep(ProbeInterval);
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
