using System.Globalization;
using Handshake.Fuzz;
using Handshake.Fuzz.Targets;

// dotnet run -c Release --project fuzz/Handshake.Fuzz -- --parser NAME|all --inputs N --seconds S --seed X
var parser = "all";
var inputs = 1_000_000L;
var seconds = 600.0;
var seed = 1;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--parser": parser = args[i + 1]; break;
        case "--inputs": inputs = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Usage: --parser NAME|all --inputs N --seconds S --seed X");
            return 2;
    }
}

var names = parser == "all" ? FuzzCatalog.Names : [parser];
var failed = false;
foreach (var name in names)
{
    var report = FuzzRunner.Run(FuzzCatalog.Create(name), inputs, TimeSpan.FromSeconds(seconds), seed, log: Console.Error.WriteLine);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Target}: {report.Inputs} inputs ({report.Succeeded} ok, {report.Expected} typed failures) in {report.Elapsed.TotalSeconds:F1} s, {report.Findings.Count} findings"));
    failed |= report.Findings.Count > 0;
}

return failed ? 1 : 0;
