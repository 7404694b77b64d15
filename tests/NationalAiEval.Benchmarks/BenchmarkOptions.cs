using System.Globalization;

namespace NationalAiEval.Benchmarks;

/// <summary>What to run and at what size; databases go to a fresh directory under the system's temporary folder.</summary>
public sealed record BenchmarkOptions(IReadOnlyList<string> Benchmarks, long Records, IReadOnlyList<long> Sizes, string WorkDirectory)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var names = new List<string>();
        long records = 1_000_000;
        string? sizes = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--records":
                    records = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--sizes":
                    sizes = args[++i];
                    break;
                default:
                    names.Add(args[i]);
                    break;
            }
        }

        var series = sizes switch
        {
            null => new[] { 100_000, records, 5_000_000 }.Distinct().Order().ToList(),
            "none" => [records],
            _ => sizes.Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).Append(records).Distinct().Order().ToList(),
        };
        var directory = Path.Combine(Path.GetTempPath(), $"nae-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return new BenchmarkOptions(names, records, series, directory);
    }
}
