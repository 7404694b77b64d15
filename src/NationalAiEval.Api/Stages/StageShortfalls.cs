using System.Text.Json;
using NationalAiEval.Core.Units;

namespace NationalAiEval.Api.Stages;

/// <summary>
/// The shortfalls a plan leaves, as a preview stores them (<c>plan_preview.shortfall_json</c>) and the equality proof
/// and the commit read them: one format, written and read here.
/// </summary>
public static class StageShortfalls
{
    private sealed record Stored(string Team, long ShortMilliEghSeconds);

    public static string? Write(IReadOnlyList<(string Team, long ShortMilliEghSeconds)> shortfalls) =>
        shortfalls.Count == 0 ? null : JsonSerializer.Serialize(shortfalls.Select(s => new Stored(s.Team, s.ShortMilliEghSeconds)));

    public static IReadOnlyList<TeamShortfall> Read(string? json) =>
        json is null
            ? []
            : [.. (JsonSerializer.Deserialize<List<Stored>>(json) ?? []).Select(s => new TeamShortfall(s.Team, s.ShortMilliEghSeconds, GpuTime.ToEquivalentGpuHours(s.ShortMilliEghSeconds)))];
}
