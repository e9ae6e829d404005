using Meridian.Benchmarks.Client;
using Meridian.Benchmarks.Durability;
using Meridian.Benchmarks.Harness;
using Meridian.Benchmarks.Mirror;
using Meridian.Benchmarks.Modules;
using Meridian.Benchmarks.Query;
using Meridian.Benchmarks.Server;
using Meridian.Benchmarks.Sats;
using Meridian.Benchmarks.Storage;
using Meridian.Benchmarks.Views;

// Entry point for every benchmark suite:
//   dotnet run -c Release --project benchmarks/Meridian.Benchmarks -- <suite|all> [--quick] [--json FILE]
var suites = new Dictionary<string, Func<BenchmarkOptions, IReadOnlyList<BenchmarkResult>>>(StringComparer.OrdinalIgnoreCase)
{
    ["sats"] = SatsSuite.Run,
    ["storage"] = StorageSuite.Run,
    ["query"] = QuerySuite.Run,
    ["views"] = ViewSuite.Run,
    ["durability"] = ConfirmedReadsSuite.Run,
    ["modules"] = ModulesSuite.Run,
    ["modules-loop"] = ModulesLoop.Run,
    ["server"] = ServerSuite.Run,
    ["client"] = ClientSuite.Run,
    ["mirror"] = MirrorSuite.Run,
};
var usage = $"usage: Meridian.Benchmarks <{string.Join("|", suites.Keys)}|all> [--quick] [--json FILE] [--seconds N]\n"
    + "  --quick      short runs (a suite ends within about a minute)\n"
    + "  --json FILE  also write the results as a JSON array\n"
    + "  --seconds N  measured seconds per load run (suite server; default 10, 2 with --quick)\n"
    + "  --server-process  suite server: run the server in a child process, apart from the load generator\n"
    + "  --only WORD  suite server: only the runs named so (postgres, transfer, fanout; keynote: uniform 64 x 40 sync, confirmed reads)";
// The server suite's child process (--server-process): serve-keynote sync|async ACCOUNTS BALANCE.
if (args.Length == 4 && args[0] == "serve-keynote")
    return Meridian.Benchmarks.Server.KeynoteHost.Serve(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
        long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(usage);
    return 0;
}

var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var serverProcess = args.Contains("--server-process");
string? only = null;
var onlyIndex = Array.IndexOf(args, "--only");
if (onlyIndex >= 0)
{
    if (onlyIndex + 1 >= args.Length || args[onlyIndex + 1] is not ("postgres" or "transfer" or "fanout" or "keynote"))
    {
        Console.Error.WriteLine("--only needs one of postgres, transfer, fanout, keynote.");
        return 2;
    }
    only = args[onlyIndex + 1];
    positional.Remove(only);
}
var quick = args.Contains("--quick");
var jsonIndex = Array.IndexOf(args, "--json");
string? jsonPath = null;
if (jsonIndex >= 0)
{
    if (jsonIndex + 1 >= args.Length)
    {
        Console.Error.WriteLine("--json needs a file name.");
        return 2;
    }
    jsonPath = args[jsonIndex + 1];
    positional.Remove(jsonPath);
}
double? seconds = null;
var secondsIndex = Array.IndexOf(args, "--seconds");
if (secondsIndex >= 0)
{
    if (secondsIndex + 1 >= args.Length
        || !double.TryParse(args[secondsIndex + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s)
        || s <= 0)
    {
        Console.Error.WriteLine("--seconds needs a positive number of seconds.");
        return 2;
    }
    seconds = s;
    positional.Remove(args[secondsIndex + 1]);
}

if (positional.Count != 1 || (positional[0] != "all" && !suites.ContainsKey(positional[0])))
{
    Console.Error.WriteLine(usage);
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: this is a Debug build; figures are meaningless. Use -c Release.");
#endif

var options = new BenchmarkOptions(quick, jsonPath, seconds, serverProcess, only);
var selected = positional[0] == "all" ? suites.Keys.ToList() : [positional[0]];
var results = new List<BenchmarkResult>();
foreach (var name in selected)
{
    Console.Error.WriteLine($"running suite '{name}'{(quick ? " (quick)" : "")} ...");
    results.AddRange(suites[name](options));
}

Console.WriteLine(ResultReport.ToMarkdown(results));
if (jsonPath is not null)
    ResultReport.WriteJson(jsonPath, results);
return 0;
