using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// A pool's stored usage records, and a manager's corrections and voids of them (api-docs/DEFINITIONS.md#quarantine).
/// A correction or a void is a new revision of the record, audited, and waits for reconciliation like any change, which
/// moves the facts and the ledger by exactly the difference. The manager's decision then stands against the
/// provider's later versions of the same record.
/// </summary>
public sealed class UsageRecordBook(Db db, IClock clock, AuditLog audit, IntakeLimits limits)
{
    private const string Columns = """
        id, external_id, account, start_unix, end_unix, until_unix, gpus, source, revision, received_unix, dirty, review_state, review_reason,
        reviewed_unix, reviewed_by
        """;

    private static readonly Sql Page = Sql.FirstRows(Columns, """
        FROM usage_record
        WHERE pool_id = @PoolId AND id > @After
          AND (@State IS NULL OR review_state = @State OR (@State = 'waiting' AND dirty = 1))
          AND (@ExternalId IS NULL OR external_id = @ExternalId) AND (@Account IS NULL OR account = @Account)
        ORDER BY id
        """);

    private static readonly Sql One = Sql.Portable($"SELECT {Columns} FROM usage_record WHERE id = @Id AND pool_id = @PoolId");

    private static readonly Sql Correct = Sql.Portable("""
        UPDATE usage_record
        SET account = @Account, start_unix = @StartUnix, end_unix = @EndUnix, until_unix = @UntilUnix, gpus = @Gpus, gpu_seconds = @GpuSeconds,
            revision = revision + 1, dirty = 1, review_state = 'corrected', review_reason = @Reason, reviewed_unix = @Now, reviewed_by = @By
        WHERE id = @Id
        """);

    private static readonly Sql Void = Sql.Portable("""
        UPDATE usage_record
        SET revision = revision + 1, dirty = 1, review_state = 'voided', review_reason = @Reason, reviewed_unix = @Now, reviewed_by = @By
        WHERE id = @Id
        """);

    public static readonly IReadOnlyList<string> States = [UsageReview.Quarantined, UsageReview.Voided, UsageReview.Corrected, "waiting"];

    /// <summary>Reads the list's <c>state</c> filter: one of <see cref="States"/>, or none.</summary>
    public static string? ParseState(string? state) =>
        state is null || States.Contains(state) ? state : throw Problems.Validation("state", $"must be one of {string.Join(", ", States)}.");

    /// <summary>A pool's records, narrowed by a <paramref name="state"/> read with <see cref="ParseState"/>, an external id or an account.</summary>
    public async Task<Page<UsageRecordView>> ListAsync(
        string poolCode, string? state, string? externalId, string? account, PageRequest page, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var pool = await PoolStore.FindVisibleAsync(session, poolCode, caller, cancellationToken);
        var rows = (await session.QueryAsync<RecordRow>(Page, new
        {
            PoolId = pool.Id,
            page.After,
            page.Take,
            State = state,
            ExternalId = externalId,
            Account = account,
        }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, r => r.ToView());
    }

    public async Task<UsageRecordView> CorrectAsync(string poolCode, long id, UsageCorrectionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var start = v.Instant(request.Start, "start");
        Instant? end = request.End is null ? null : v.Instant(request.End, "end");
        if (end is null && request.MeasuredAt is null)
        {
            v.Add("end", "is required, or measuredAt for a job still running.");
        }

        // measuredAt is read (and checked) whenever it is sent; it counts only for a record without an end.
        Instant? measured = request.MeasuredAt is null ? null : v.Instant(request.MeasuredAt, "measuredAt");
        var until = end ?? measured ?? start;
        var gpus = v.Range(request.Gpus, "gpus", 1, UsageValidation.MaxGpus);
        var reason = v.Text(request.Reason, "reason", 400);
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var (pool, before) = await FindAsync(session, poolCode, id, caller, cancellationToken);
        var account = request.Account ?? before.Account;
        var origin = UsageOrigin.Body(end is not null);
        var candidate = new UsageCandidate(before.ExternalId, account, Unix.Seconds(start), Unix.Seconds(until), gpus);
        var cover = await LeaseCovers.LoadAsync(session, pool.Id, limits.LeaseToleranceSeconds, cancellationToken);
        var faults = UsageBounds.Check(candidate, cover, limits, clock.GetCurrentInstant())
            .Select(f => (origin.Key(f.Field), origin.Message(f.Field, f.Message), (int?)null)).ToList();
        if (faults.Count > 0)
        {
            throw Problems.RefusedRecords(faults);
        }

        await session.ExecuteAsync(Correct, new
        {
            Id = id,
            Account = account,
            candidate.StartUnix,
            EndUnix = end is { } e ? Unix.Seconds(e) : (long?)null,
            candidate.UntilUnix,
            Gpus = gpus,
            GpuSeconds = GpuTime.RawGpuSeconds(gpus, candidate.UntilUnix - candidate.StartUnix),
            Reason = reason,
            Now = Unix.Seconds(clock.GetCurrentInstant()),
            By = caller.KeyId,
        }, cancellationToken);
        return await AuditedAsync(session, pool.Id, id, "usage-record.correct", before, caller, cancellationToken);
    }

    public async Task<UsageRecordView> VoidAsync(string poolCode, long id, UsageVoidRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var reason = v.Text(request.Reason, "reason", 400);
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var (pool, before) = await FindAsync(session, poolCode, id, caller, cancellationToken);
        if (before.Review == UsageReview.Voided)
        {
            throw Problems.Conflict("already-voided", "The record is already void.", $"Usage record {id} was voided {before.ReviewedAt}: {before.ReviewReason}");
        }

        await session.ExecuteAsync(Void, new { Id = id, Reason = reason, Now = Unix.Seconds(clock.GetCurrentInstant()), By = caller.KeyId }, cancellationToken);
        return await AuditedAsync(session, pool.Id, id, "usage-record.void", before, caller, cancellationToken);
    }

    private static async Task<(PoolRow Pool, UsageRecordView Record)> FindAsync(
        DbSession session, string poolCode, long id, Caller caller, CancellationToken cancellationToken)
    {
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = poolCode }, cancellationToken);
        if (pool is null || !caller.MaySeePool(pool.Id))
        {
            throw Problems.NotFound("pool", poolCode);
        }

        var row = await session.QuerySingleOrDefaultAsync<RecordRow>(One, new { Id = id, PoolId = pool.Id }, cancellationToken)
            ?? throw Problems.NotFound("usage record", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (pool, row.ToView());
    }

    private async Task<UsageRecordView> AuditedAsync(
        DbSession session, long poolId, long id, string action, UsageRecordView before, Caller caller, CancellationToken cancellationToken)
    {
        var after = (await session.QuerySingleAsync<RecordRow>(One, new { Id = id, PoolId = poolId }, cancellationToken)).ToView();
        await audit.WriteAsync(session, caller, action, "usage_record", id.ToString(System.Globalization.CultureInfo.InvariantCulture), before, after, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return after;
    }

    private sealed class RecordRow
    {
        public long Id { get; init; }
        public string ExternalId { get; init; } = string.Empty;
        public string Account { get; init; } = string.Empty;
        public long StartUnix { get; init; }
        public long? EndUnix { get; init; }
        public long UntilUnix { get; init; }
        public long Gpus { get; init; }
        public string Source { get; init; } = string.Empty;
        public long Revision { get; init; }
        public long ReceivedUnix { get; init; }
        public long Dirty { get; init; }
        public string? ReviewState { get; init; }
        public string? ReviewReason { get; init; }
        public long? ReviewedUnix { get; init; }
        public string? ReviewedBy { get; init; }

        public UsageRecordView ToView() => new(
            Id, ExternalId, Account, Unix.Instant(StartUnix), EndUnix is { } end ? Unix.Instant(end) : null, Unix.Instant(UntilUnix), Gpus,
            Hours(), Source, Revision, Unix.Instant(ReceivedUnix), Dirty != 0, ReviewState ?? "as-reported", ReviewReason,
            ReviewedUnix is { } at ? Unix.Instant(at) : null, ReviewedBy);

        /// <summary>A record stored before the bounds existed may be too long to multiply out: its hours are then not shown.</summary>
        private decimal? Hours()
        {
            try
            {
                return GpuTime.ToGpuHours(GpuTime.RawGpuSeconds(Gpus, UntilUnix - StartUnix));
            }
            catch (OverflowException)
            {
                return null;
            }
        }
    }
}
