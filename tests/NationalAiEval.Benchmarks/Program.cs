using System.Globalization;
using NationalAiEval.Benchmarks;

// Runs the named benchmarks (default: all) and prints a Markdown table: each figure, its baseline from the same run,
// their ratio, the target and whether it was met. Options: --records N (default 1,000,000), --sizes a,b,c (the
// scaling series, default 100,000, N and 5,000,000; "none" for N alone).
var options = BenchmarkOptions.Parse(args);
var all = new Dictionary<string, Func<BenchmarkOptions, Task<IReadOnlyList<Result>>>>(StringComparer.OrdinalIgnoreCase)
{
    ["planner"] = _ => Task.FromResult<IReadOnlyList<Result>>(PlannerBenchmark.Run().ToList()),
    ["usage"] = UsageBenchmark.RunAsync,
    ["quota"] = QuotaBenchmark.RunAsync,
    ["waste"] = WasteReportBenchmark.RunAsync,
    ["bounds"] = BoundsBenchmark.RunAsync,
};
var chosen = options.Benchmarks.Count == 0 ? all.Keys.ToList() : options.Benchmarks.ToList();
var unknown = chosen.Where(name => !all.ContainsKey(name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown benchmark '{string.Join(", ", unknown)}'; known: {string.Join(", ", all.Keys)}");
    return 2;
}

var results = new List<Result>();
try
{
    foreach (var name in chosen)
    {
        results.AddRange(await all[name](options));
    }
}
finally
{
    // The benchmarks' databases (up to a few GB at the larger sizes) do not outlive the run.
    Directory.Delete(options.WorkDirectory, recursive: true);
}

Console.WriteLine("| benchmark | figure | value | baseline (same run) | baseline value | ratio | target | met |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Name} | {r.Figure} | {r.Value:N1} {r.Unit} | {r.Baseline} | {r.BaselineValue:N1} {r.Unit} | {r.Ratio:N2} | {r.Target} | {(r.Met ? "yes" : "NO")} |"));
}

return results.All(r => r.Met) ? 0 : 1;
