using BenchmarkDotNet.Running;
using Handshake.Benchmarks;

// dotnet run -c Release --project bench/Handshake.Benchmarks -- --filter *        the full suite, default job
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --quick           a ~1 minute smoke run, in-process
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --concurrency     10,000 concurrent handshakes (native, scram)
//   (-- --concurrency native | scram [count] runs one scenario: the peak working set is per process)
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --derivation-storm limited|unlimited [count]
//   500 concurrent cold SCRAM logins while a probe measures thread-pool latency (one mode per process)
// tests/run.sh --exec -- dotnet run -c Release --project bench/Handshake.Benchmarks -- --filter '*PostgreSqlLogin*'
//   the end-to-end login against a real PostgreSQL 15 (left out of other runs when no PostgreSQL is there)
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --serve-load [scram] [native] [resume] [--store URL|env] [--clients 32] [--seconds 10] [--cli PATH]
//   logins/s through a `handshake serve` process, users in memory and (with --store) in PostgreSQL; see ServeLoadRun
if (args.Contains("--serve-load"))
{
    return await ServeLoadRun.RunAsync([.. args.Where(a => a != "--serve-load")]).ConfigureAwait(false);
}

if (args.Contains("--derivation-storm"))
{
    return await KeyDerivationStormRun.RunAsync([.. args.Where(a => a != "--derivation-storm")]).ConfigureAwait(false);
}

if (args.Contains("--concurrency"))
{
    return await ConcurrencyRun.RunAsync([.. args.Where(a => a != "--concurrency")]).ConfigureAwait(false);
}

var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToList();
if (!rest.Contains("--filter"))
{
    rest.AddRange(["--filter", "*"]);
}

var config = quick ? QuickConfig.Create() : null;

// The end-to-end PostgreSQL login needs the server tests/run.sh starts: named without it, stop and say how; otherwise leave it out.
if (!PostgreSqlBenchServer.IsConfigured)
{
    if (EndToEndSelection.Names(rest))
    {
        await Console.Error.WriteLineAsync(PostgreSqlBenchServer.MissingMessage).ConfigureAwait(false);
        return 2;
    }

    config = EndToEndSelection.Exclude(config);
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(QuickConfig).Assembly).Run([.. rest], config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
