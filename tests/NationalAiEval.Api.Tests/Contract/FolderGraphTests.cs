using System.Text.RegularExpressions;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Contract;

/// <summary>
/// The service's feature folders depend on each other without cycles, so that a feature can be read (and changed)
/// from the folders it names downwards. A node is a top folder of src/NationalAiEval.Api, or a subfolder of
/// Infrastructure (Hosting and Jobs wire every feature; Database, Http and the rest serve them). A dependency is any
/// mention of another node's namespace in a source file.
/// </summary>
public sealed partial class FolderGraphTests
{
    [Fact]
    public void TheFeatureFolders_DependOnEachOtherWithoutCycles()
    {
        var graph = Graph();

        Assert.True(graph.Count > 20, $"Only {graph.Count} folders were found: the test reads the wrong place.");
        Assert.Contains("Allocations", graph["Admission"].Keys);
        Assert.Null(FirstCycle(graph));
    }

    [Fact]
    public void ACycle_IsFound_AndNamedWithTheFilesThatMakeIt()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>
        {
            ["Flags"] = new() { ["Reconciliation"] = "FlagBook.cs" },
            ["Reconciliation"] = new() { ["Ledger"] = "UsageReconciler.cs" },
            ["Ledger"] = new() { ["Flags"] = "LedgerWriter.cs" },
            ["Teams"] = [],
        };

        Assert.Equal("Flags -> Reconciliation (FlagBook.cs) -> Ledger (UsageReconciler.cs) -> Flags (LedgerWriter.cs)", FirstCycle(graph));
    }

    /// <summary>For each folder, the folders it mentions and one file that mentions each.</summary>
    private static Dictionary<string, Dictionary<string, string>> Graph()
    {
        var root = Path.Combine(RepositoryPaths.Root, "src", "NationalAiEval.Api");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path: f, Parts: Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)))
            .Where(f => f.Parts.Length > 1 && f.Parts[0] is not ("bin" or "obj"))
            .Select(f => (f.Path, Node: f.Parts[0] == "Infrastructure" && f.Parts.Length > 2 ? $"Infrastructure.{f.Parts[1]}" : f.Parts[0]))
            .Where(f => f.Node != "Infrastructure")
            .ToList();
        var nodes = files.Select(f => f.Node).ToHashSet(StringComparer.Ordinal);
        var graph = nodes.ToDictionary(n => n, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (path, node) in files)
        {
            foreach (Match mention in Mention().Matches(File.ReadAllText(path)))
            {
                var target = mention.Groups[1].Value;
                if (target != node && nodes.Contains(target))
                {
                    graph[node].TryAdd(target, Path.GetFileName(path));
                }
            }
        }

        return graph;
    }

    /// <summary>The first cycle found by depth-first search, written as a path with the file behind each step; null when there is none.</summary>
    private static string? FirstCycle(Dictionary<string, Dictionary<string, string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        string? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                var steps = path.Skip(at).Append(node).ToList();
                return steps[0] + string.Concat(steps.Zip(steps.Skip(1), (from, to) => $" -> {to} ({graph[from][to]})"));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph[node].Keys.Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    /// <summary>A namespace of the service: an Infrastructure subfolder's, or a top folder's.</summary>
    [GeneratedRegex(@"NationalAiEval\.Api\.(Infrastructure\.\w+|\w+)")]
    private static partial Regex Mention();
}
