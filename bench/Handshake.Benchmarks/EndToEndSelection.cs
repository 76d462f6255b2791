using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;

namespace Handshake.Benchmarks;

/// <summary>
/// Whether the end-to-end classes (category <see cref="PostgreSqlLoginBenchmarks.Category"/>, which need the real
/// PostgreSQL tests/run.sh starts) take part in a run without the server's variables: a run that names them
/// (a filter with "PostgreSqlLogin", or the category) fails at once with the way to get a server; any other run
/// (<c>--filter '*'</c>, <c>--quick</c>) leaves them out and says so, so the in-process classes still run.
/// </summary>
internal static class EndToEndSelection
{
    private const string ClassName = nameof(PostgreSqlLoginBenchmarks);

    /// <summary>Gets a value indicating whether any argument names the end-to-end class or its category.</summary>
    public static bool Names(IEnumerable<string> args) =>
        args.Any(a => a.Contains("PostgreSqlLogin", StringComparison.OrdinalIgnoreCase)
            || a.Contains(PostgreSqlLoginBenchmarks.Category, StringComparison.OrdinalIgnoreCase));

    /// <summary>Returns <paramref name="config"/> (or the default) with the end-to-end category filtered out, and prints that it was.</summary>
    public static IConfig Exclude(IConfig? config)
    {
        Console.WriteLine(
            $"{ClassName} (category {PostgreSqlLoginBenchmarks.Category}) left out: no PostgreSQL (HANDSHAKE_PG_PORT, HANDSHAKE_PG_SOCKET_DIR unset). " +
            "Run it with: tests/run.sh --exec -- dotnet run -c Release --project bench/Handshake.Benchmarks -- --filter '*PostgreSqlLogin*'");
        return ManualConfig.Create(config ?? DefaultConfig.Instance)
            .AddFilter(new SimpleFilter(b => !b.Descriptor.Categories.Contains(PostgreSqlLoginBenchmarks.Category, StringComparer.Ordinal)));
    }
}
