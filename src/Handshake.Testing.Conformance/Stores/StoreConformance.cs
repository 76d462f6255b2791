namespace Handshake.Testing.Conformance.Stores;

/// <summary>What the store conformance bases share: the concurrency run and unique names.</summary>
public static class StoreConformance
{
    /// <summary>How many concurrent operations a cross-instance test runs, split evenly over the two instances.</summary>
    public const int ConcurrentOperations = 100;

    /// <summary>How long a concurrent run may take before the test fails (a store that deadlocks must not hang the suite).</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    /// <summary>A fixed instant the tests pass as "now" (stores take the time as an argument, so no clock is involved).</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A name no other test uses, so one backing store can serve a whole test class.</summary>
    /// <param name="prefix">What the name is for.</param>
    /// <returns>The name.</returns>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>
    /// Runs <see cref="ConcurrentOperations"/> calls at once, even indexes on <paramref name="first"/>
    /// and odd on <paramref name="second"/>, all released together, and returns their results in index order.
    /// </summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <typeparam name="TResult">What one call returns.</typeparam>
    /// <param name="first">Instance A.</param>
    /// <param name="second">Instance B.</param>
    /// <param name="operation">One call, given the instance and the call's index.</param>
    /// <returns>The results.</returns>
    public static async Task<TResult[]> RunSplitAsync<TStore, TResult>(TStore first, TStore second, Func<TStore, int, Task<TResult>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var start = new ManualResetEventSlim(false);
        var tasks = new Task<TResult>[ConcurrentOperations];
        for (var i = 0; i < tasks.Length; i++)
        {
            var index = i;
            var store = index % 2 == 0 ? first : second;
            tasks[i] = Task.Run(async () =>
            {
                start.Wait();
                return await operation(store, index);
            });
        }

        start.Set();
        return await Task.WhenAll(tasks).WaitAsync(RunLimit);
    }
}
