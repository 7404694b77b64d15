using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Teams;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Api.Flags;

/// <summary>Lists flags for people, and takes their acknowledgements and resolutions. A team sees only its own flags, a provider those of its pools.</summary>
public sealed class FlagBook(Db db, IClock clock, AuditLog audit)
{
    private const string Columns = """
        f.id, f.kind, f.status, f.team_id, t.code AS team_code, f.pool_id, p.code AS pool_code, f.account, f.period_start_unix, f.period_end_unix,
        f.amount, f.unit, f.krw, f.detail, f.opened_unix, f.updated_unix, f.acknowledged_unix, f.acknowledged_by, f.acknowledgement,
        f.resolved_unix, f.resolved_by, f.resolution
        """;

    private const string From = "FROM flag f LEFT JOIN team t ON t.id = f.team_id LEFT JOIN pool p ON p.id = f.pool_id";

    private static readonly Sql ListPage = Sql.FirstRows(Columns, From + """
         WHERE f.id > @After AND (@Kind IS NULL OR f.kind = @Kind) AND (@Status IS NULL OR f.status = @Status)
          AND (@TeamId IS NULL OR f.team_id = @TeamId) AND (@PoolId IS NULL OR f.pool_id = @PoolId)
          AND (@FromUnix IS NULL OR f.period_end_unix > @FromUnix) AND (@ToUnix IS NULL OR f.period_start_unix < @ToUnix)
          AND (@ProviderKeyId IS NULL OR EXISTS (
              SELECT 1 FROM api_key_pool kp JOIN api_key k ON k.id = kp.api_key_id WHERE k.key_id = @ProviderKeyId AND kp.pool_id = f.pool_id))
        ORDER BY f.id
        """);

    private static readonly Sql ById = Sql.Portable("SELECT " + Columns + " " + From + " WHERE f.id = @Id");

    private static readonly Sql Acknowledge = Sql.Portable("""
        UPDATE flag SET status = 'acknowledged', acknowledged_unix = @Now, acknowledged_by = @By, acknowledgement = @Comment, updated_unix = @Now
        WHERE id = @Id AND status = 'open'
        """);

    private static readonly Sql Resolve = Sql.Portable("""
        UPDATE flag SET status = 'resolved', resolved_unix = @Now, resolved_by = @By, resolution = @Comment, updated_unix = @Now
        WHERE id = @Id AND status <> 'resolved'
        """);

    public async Task<Page<FlagView>> ListAsync(FlagQuery query, PageRequest page, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(caller);
        await using var session = await db.ReadAsync(cancellationToken);
        var (teamId, poolId) = await ListScope.ResolveAsync(session, query.Team, query.Pool, caller, cancellationToken);
        var rows = (await session.QueryAsync<FlagRow>(ListPage, new
        {
            page.After,
            page.Take,
            query.Kind,
            Status = query.Status?.ToString().ToLowerInvariant(),
            TeamId = teamId,
            PoolId = poolId,
            query.Range.FromUnix,
            query.Range.ToUnix,
            ProviderKeyId = caller.Role == Role.Provider ? caller.KeyId : null,
        }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, r => r.ToView());
    }

    public async Task<FlagView> GetAsync(long id, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        return (await FindVisibleAsync(session, id, caller, cancellationToken)).ToView();
    }

    public async Task<FlagView> AcknowledgeAsync(long id, FlagCommentRequest request, Caller caller, CancellationToken cancellationToken) =>
        await ChangeAsync(id, request, caller, Acknowledge, "flag.acknowledge", "Only an open flag can be acknowledged.", cancellationToken);

    public async Task<FlagView> ResolveAsync(long id, FlagCommentRequest request, Caller caller, CancellationToken cancellationToken) =>
        await ChangeAsync(id, request, caller, Resolve, "flag.resolve", "The flag is already resolved.", cancellationToken);

    private async Task<FlagView> ChangeAsync(
        long id, FlagCommentRequest request, Caller caller, Sql change, string action, string refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var comment = v.Text(request.Comment, "comment", 1000);
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var before = (await FindVisibleAsync(session, id, caller, cancellationToken)).ToView();
        var changed = await session.ExecuteAsync(change, new { Id = id, Now = Unix.Seconds(clock.GetCurrentInstant()), By = caller.KeyName, Comment = comment },
            cancellationToken);
        if (changed == 0)
        {
            throw Problems.Conflict("flag-state", refusal, $"Flag {id} is {before.Status.ToString().ToLowerInvariant()}.");
        }

        var after = (await FindVisibleAsync(session, id, caller, cancellationToken)).ToView();
        await audit.WriteAsync(session, caller, action, "flag", id.ToString(System.Globalization.CultureInfo.InvariantCulture), before, after, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<FlagRow> FindVisibleAsync(DbSession session, long id, Caller caller, CancellationToken cancellationToken)
    {
        var row = await session.QuerySingleOrDefaultAsync<FlagRow>(ById, new { Id = id }, cancellationToken);
        var visible = row is not null && (caller.ReadsEverything
            || (caller.Role == Role.Team && row.TeamId == caller.TeamId)
            || (caller.Role == Role.Provider && row.PoolId is { } pool && caller.MaySeePool(pool)));
        return visible ? row! : throw Problems.NotFound("flag", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class FlagRow
    {
        public long Id { get; init; }
        public string Kind { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
        public long? TeamId { get; init; }
        public string? TeamCode { get; init; }
        public long? PoolId { get; init; }
        public string? PoolCode { get; init; }
        public string? Account { get; init; }
        public long PeriodStartUnix { get; init; }
        public long PeriodEndUnix { get; init; }
        public long Amount { get; init; }
        public string Unit { get; init; } = string.Empty;
        public long? Krw { get; init; }
        public string Detail { get; init; } = string.Empty;
        public long OpenedUnix { get; init; }
        public long UpdatedUnix { get; init; }
        public long? AcknowledgedUnix { get; init; }
        public string? AcknowledgedBy { get; init; }
        public string? Acknowledgement { get; init; }
        public long? ResolvedUnix { get; init; }
        public string? ResolvedBy { get; init; }
        public string? Resolution { get; init; }

        public FlagView ToView() => new(
            Id, Kind, Enum.Parse<FlagStatus>(Status, ignoreCase: true), TeamCode, PoolCode, Account, Unix.Instant(PeriodStartUnix), Unix.Instant(PeriodEndUnix),
            Amount, Unit, Unit switch
            {
                FlagWriter.MilliEghSecondsUnit => GpuTime.ToEquivalentGpuHours(Amount),
                FlagWriter.GpusUnit or FlagWriter.RecordsUnit => null,
                _ => GpuTime.ToGpuHours(Amount),
            }, Krw, Detail,
            Unix.Instant(OpenedUnix), Unix.Instant(UpdatedUnix), Optional(AcknowledgedUnix), AcknowledgedBy, Acknowledgement,
            Optional(ResolvedUnix), ResolvedBy, Resolution);

        private static Instant? Optional(long? unix) => unix is { } value ? Unix.Instant(value) : null;
    }
}
