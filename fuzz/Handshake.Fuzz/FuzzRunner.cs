using System.Diagnostics;

namespace Handshake.Fuzz;

/// <summary>What one target's run found.</summary>
internal sealed record FuzzReport(string Target, long Inputs, long Expected, long Succeeded, IReadOnlyList<string> Findings, TimeSpan Elapsed);

/// <summary>
/// The loop: pick a seed, mutate it, run it, and classify the outcome. Per input it also bounds the time
/// (a hang) and the bytes allocated on this thread (a peer-chosen allocation).
/// </summary>
internal static class FuzzRunner
{
    /// <summary>Per-input time budget: far above any honest parse (PBKDF2 at the fuzz targets' 4096-iteration cap is ~1 ms).</summary>
    public static readonly TimeSpan PerInputBudget = TimeSpan.FromSeconds(2);

    public static long AllocationBudget(int inputLength, long perByte = 16) => (1L << 20) + (perByte * inputLength);

    public static FuzzReport Run(FuzzTarget target, long maxInputs, TimeSpan maxTime, int seed, int maxFindings = 10, Action<string>? log = null, TimeSpan? perInputBudget = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var random = new Random(seed);
        var mutator = new Mutator(random);
        var seeds = target.Seeds;
        var findings = new List<string>();
        long inputs = 0, expected = 0, succeeded = 0;
        var budget = perInputBudget ?? PerInputBudget;
        var total = Stopwatch.StartNew();

        // Seeds first, unmutated: they must all pass (or fail only in the documented way).
        var queue = new Queue<FuzzInput>(seeds);
        while (inputs < maxInputs && total.Elapsed < maxTime && findings.Count < maxFindings)
        {
            FuzzInput input;
            if (queue.Count > 0)
            {
                input = queue.Dequeue();
            }
            else
            {
                var baseInput = seeds[random.Next(seeds.Count)];
                input = baseInput with { Data = mutator.Mutate(baseInput.Data, seeds) };
            }

            inputs++;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            string? problem = null;
            try
            {
                target.Run(input);
                succeeded++;
            }
            catch (Exception ex) when (target.IsExpected(ex))
            {
                expected++;
            }
            catch (Exception ex)
            {
                problem = $"unexpected {ex.GetType().FullName}: {ex.Message}{Environment.NewLine}{ex.StackTrace}";
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (problem is null && elapsed > budget && inputs > seeds.Count)
            {
                problem = $"took {elapsed.TotalMilliseconds:F0} ms (budget {budget.TotalMilliseconds:F0} ms)";
            }

            if (problem is null && allocated > AllocationBudget(input.Data.Length, target.AllocationPerInputByte) && inputs > seeds.Count)
            {
                problem = $"allocated {allocated} bytes for a {input.Data.Length}-byte input (budget {AllocationBudget(input.Data.Length, target.AllocationPerInputByte)})";
            }

            if (problem is not null)
            {
                var finding = $"FINDING parser={target.Name} seed={seed} input#={inputs} step={input.Step} hex={(input.Data.Length > 1024 ? Convert.ToHexString(input.Data, 0, 1024) + "..." : input.Hex)} length={input.Data.Length}{Environment.NewLine}  {problem}";
                findings.Add(finding);
                log?.Invoke(finding);
            }
        }

        return new FuzzReport(target.Name, inputs, expected, succeeded, findings, total.Elapsed);
    }
}
