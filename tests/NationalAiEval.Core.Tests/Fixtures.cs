namespace NationalAiEval.Core.Tests;

/// <summary>The real Slurm output kept under tests/fixtures/slurm (copied from the shared fixtures, with their README).</summary>
internal static class Fixtures
{
    public static string Slurm(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", "slurm", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Slurm fixture not found above " + AppContext.BaseDirectory, file);
    }

    /// <summary>GPU-seconds per account as Slurm's own sreport printed them (account lines, not user lines).</summary>
    public static Dictionary<string, long> SreportSecondsByAccount() =>
        File.ReadLines(Slurm("cluster-b-sreport-account-seconds.txt"))
            .Select(line => line.Split('|'))
            .Where(f => f.Length == 6 && f[4] == "gres/gpu" && f[2].Length == 0 && f[1] != "root")
            .ToDictionary(f => f[1], f => long.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture));
}
