using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Handshake.Benchmarks;

/// <summary>
/// The --quick smoke configuration: in-process (no per-benchmark build), one launch, one warm-up and
/// three 100 ms iterations, so the whole suite runs in about a minute. Its figures are rough: use the
/// default job (no --quick) for numbers to quote.
/// </summary>
internal static class QuickConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance.AddJob(
            Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithId("Quick")
                .AsDefault());
}
