using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Handshake.Benchmarks;

/// <summary>
/// Issue 9 item 7: N concurrent in-memory handshakes (client negotiator + our acceptor over the
/// in-memory transport), all started together behind one gate; wall time and the process's peak
/// working set. BenchmarkDotNet is not the tool for this, so it runs directly. The peak working set
/// is the process's lifetime peak: run one scenario per process for a clean figure.
/// </summary>
internal static class ConcurrencyRun
{
    public const int DefaultCount = 10_000;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var scenarios = args.Where(a => a is "native" or "scram").ToList();
        if (scenarios.Count == 0)
        {
            scenarios = ["native", "scram"];
        }

        var countArg = args.FirstOrDefault(a => a.All(char.IsAsciiDigit));
        var count = countArg is null ? DefaultCount : int.Parse(countArg, CultureInfo.InvariantCulture);
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, {RuntimeInformationText()}, server GC: {System.Runtime.GCSettings.IsServerGC}");
        foreach (var scenario in scenarios)
        {
            await RunScenarioAsync(scenario, count).ConfigureAwait(false);
        }

        return 0;
    }

    [SuppressMessage("Reliability", "CA2025", Justification = "Task.WhenAll awaits every handshake before the container and the credentials are disposed.")]
    private static async Task RunScenarioAsync(string scenario, int count)
    {
        using var services = scenario == "native" ? HandshakeHost.Native() : HandshakeHost.Scram(warmCache: true);
        using var credentials = AuthCredentials.FromPasswords(Rfc7677.User, Rfc7677.Password);

        // One handshake first: JIT, and for SCRAM the derived-key cache gets its entry (the warm case).
        await HandshakeHost.RunInMemoryAsync(services, credentials).ConfigureAwait(false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peakBefore = process.PeakWorkingSet64;

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handshakes = new Task[count];
        for (var i = 0; i < count; i++)
        {
            handshakes[i] = RunGatedAsync(gate.Task, services, credentials);
        }

        var watch = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(handshakes).ConfigureAwait(false);
        watch.Stop();
        process.Refresh();
        Console.WriteLine(
            $"{scenario}: {count:N0} concurrent in-memory handshakes in {watch.Elapsed.TotalMilliseconds:N0} ms " +
            $"({count / watch.Elapsed.TotalSeconds:N0}/s); working set before {Mb(before)}, peak {Mb(process.PeakWorkingSet64)} " +
            $"(process peak before the run {Mb(peakBefore)}); GC gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
    }

    private static async Task RunGatedAsync(Task gate, IServiceProvider services, AuthCredentials credentials)
    {
        await gate.ConfigureAwait(false);
        await HandshakeHost.RunInMemoryAsync(services, credentials).ConfigureAwait(false);
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("N1", CultureInfo.InvariantCulture) + " MB";

    private static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
