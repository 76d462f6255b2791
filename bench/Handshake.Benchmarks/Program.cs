using BenchmarkDotNet.Running;
using Handshake.Benchmarks;

// dotnet run -c Release --project bench/Handshake.Benchmarks -- --filter *        the full suite, default job
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --quick           a ~1 minute smoke run, in-process
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --concurrency     10,000 concurrent handshakes (native, scram)
//   (-- --concurrency native | scram [count] runs one scenario: the peak working set is per process)
// dotnet run -c Release --project bench/Handshake.Benchmarks -- --derivation-storm limited|unlimited [count]
//   500 concurrent cold SCRAM logins while a probe measures thread-pool latency (one mode per process)
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

var summaries = BenchmarkSwitcher.FromAssembly(typeof(QuickConfig).Assembly).Run([.. rest], quick ? QuickConfig.Create() : null);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
