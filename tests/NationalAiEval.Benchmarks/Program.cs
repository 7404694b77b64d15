using System.Globalization;
using NationalAiEval.Benchmarks;

// Runs the named benchmarks (default: all) and prints a Markdown table: each figure, its baseline from the same run,
// their ratio, the target and whether it was met.
var all = new Dictionary<string, Func<IEnumerable<Result>>>(StringComparer.OrdinalIgnoreCase)
{
    ["planner"] = PlannerBenchmark.Run,
};
var chosen = args.Length == 0 ? all.Keys.ToList() : args.ToList();
Console.WriteLine("| benchmark | figure | value | baseline (same run) | baseline value | ratio | target | met |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var failed = false;
foreach (var name in chosen)
{
    if (!all.TryGetValue(name, out var benchmark))
    {
        Console.Error.WriteLine($"unknown benchmark '{name}'; known: {string.Join(", ", all.Keys)}");
        return 2;
    }

    foreach (var r in benchmark())
    {
        failed |= !r.Met;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.Figure} | {r.Value:N1} {r.Unit} | {r.Baseline} | {r.BaselineValue:N1} {r.Unit} | {r.Ratio:N2} | {r.Target} | {(r.Met ? "yes" : "NO")} |"));
    }
}

return failed ? 1 : 0;
