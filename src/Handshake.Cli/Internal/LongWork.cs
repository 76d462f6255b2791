using System.Diagnostics;
using System.Globalization;

namespace Handshake.Cli.Internal;

/// <summary>
/// Runs CPU-bound work (key derivation) off the caller's thread and, only when it outlasts
/// <see cref="CliEnvironment.ProgressDelay"/>, says so on standard error: what runs, the expected
/// duration, the elapsed time every few seconds, and when it is done. Quick work prints nothing.
/// </summary>
internal static class LongWork
{
    /// <summary>How often a still-running job reports its elapsed time.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(Func<T> work, string what, TimeSpan expected, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(environment);
        var started = Stopwatch.GetTimestamp();
        var job = Task.Run(work, CancellationToken.None);
        if (await Finished(job, environment.ProgressDelay, cancellationToken).ConfigureAwait(false))
        {
            return await job.ConfigureAwait(false);
        }

        var error = environment.Error;
        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{what}: expected about {Seconds(expected)} s...")).ConfigureAwait(false);
        while (!await Finished(job, ReportEvery, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  ... {Seconds(Stopwatch.GetElapsedTime(started))} s")).ConfigureAwait(false);
        }

        var result = await job.ConfigureAwait(false);
        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{what}: done in {Seconds(Stopwatch.GetElapsedTime(started))} s")).ConfigureAwait(false);
        return result;
    }

    private static async Task<bool> Finished(Task job, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (job.IsCompleted)
        {
            return true;
        }

        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        var winner = await Task.WhenAny(job, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return winner == job;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
