using System.Collections.Concurrent;
using NationalAiEval.Api.Infrastructure.Database;
using NodaTime;

namespace NationalAiEval.Api.Quota;

/// <summary>
/// Teams' automation polls the quota constantly, and the figure behind it (a year of hourly facts, weighted) changes
/// only when something is written. An answer is reused while this instance has committed no write since it was made
/// and for at most <see cref="MaxAge"/>, so that time-dependent figures (allocated ahead, the pace) and other
/// instances' writes are never older than that. Authorization is not cached: every request still resolves the team
/// for its caller first.
/// </summary>
public sealed class QuotaCache(Db db)
{
    public static readonly Duration MaxAge = Duration.FromSeconds(1);

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The write version to remember with an answer computed from now on.</summary>
    public long CurrentVersion => db.WriteVersion;

    /// <summary>A fresh answer for the team with this code, and the team's id (for the caller's authorization).</summary>
    public bool TryGet(string teamCode, Instant now, out long teamId, out QuotaView view)
    {
        var fresh = Fresh(teamCode, now);
        (teamId, view) = fresh is null ? (0, null!) : (fresh.TeamId, fresh.View);
        return fresh is not null;
    }

    /// <summary>Like <see cref="TryGet"/>, for an answer whose JSON was kept with it.</summary>
    public bool TryGetJson(string teamCode, Instant now, out long teamId, out byte[] json)
    {
        var fresh = Fresh(teamCode, now);
        (teamId, json) = fresh?.Json is { } bytes ? (fresh.TeamId, bytes) : (0, []);
        return fresh?.Json is not null;
    }

    /// <summary>Keeps the JSON of an answer with it, if that answer is still the one kept.</summary>
    public void AttachJson(QuotaView view, byte[] json)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (_entries.TryGetValue(view.Team, out var entry) && ReferenceEquals(entry.View, view))
        {
            _entries.TryUpdate(view.Team, entry with { Json = json }, entry);
        }
    }

    public void Put(string teamCode, long teamId, long version, Instant madeAt, QuotaView view)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[teamCode] = new Entry(teamId, version, madeAt, view);
    }

    private Entry? Fresh(string teamCode, Instant now) =>
        _entries.TryGetValue(teamCode, out var entry) && entry.Version == db.WriteVersion && now >= entry.MadeAt && now - entry.MadeAt < MaxAge
            ? entry
            : null;

    private sealed record Entry(long TeamId, long Version, Instant MadeAt, QuotaView View, byte[]? Json = null);
}
