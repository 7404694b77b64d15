namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>The real Slurm output kept under tests/fixtures/slurm, and Slurm's own per-account totals for it.</summary>
public static class SlurmFixtures
{
    public static string Text(string file) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "slurm", file));

    /// <summary>GPU-seconds per account as sreport printed them (account lines, not user lines, not root).</summary>
    public static Dictionary<string, long> SreportSeconds() =>
        Text("cluster-b-sreport-account-seconds.txt").Split('\n')
            .Select(line => line.Trim().Split('|'))
            .Where(f => f.Length == 6 && f[4] == "gres/gpu" && f[2].Length == 0 && f[1] != "root")
            .ToDictionary(f => f[1], f => long.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture));
}
