using System.Globalization;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.StaleIdleHours;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Codes;
using NodaTime;

namespace NationalAiEval.Api.Pools;

/// <summary>GPU pools, their lease lines, their scheduler accounts, and their capacity over time.</summary>
public sealed class PoolStore(Db db, IClock clock, AuditLog audit)
{
    public const long MaxGpus = 1_000_000;
    public const long MaxKrwPerGpuHour = 100_000_000;

    private static readonly Sql Insert = Sql.InsertReturningId(
        "pool", "code, name, provider, gpu_model, gpus_per_node, created_unix", "@Code, @Name, @Provider, @GpuModel, @GpusPerNode, @CreatedUnix");

    private static readonly Sql ListPage = Sql.FirstRows(
        PoolRow.Columns,
        """
        FROM pool
        WHERE id > @After AND (@AllPools = 1 OR EXISTS (
            SELECT 1 FROM api_key_pool kp JOIN api_key k ON k.id = kp.api_key_id WHERE k.key_id = @KeyId AND kp.pool_id = pool.id))
        ORDER BY id
        """);

    private static readonly Sql Update = Sql.Portable("""
        UPDATE pool SET name = @Name, provider = @Provider, gpus_per_node = @GpusPerNode, closed_to_new_leases = @Closed,
            new_lease_krw_per_gpu_hour = @NewLeaseKrwPerGpuHour, new_lease_minimum = @NewLeaseMinimum, version = version + 1
        WHERE id = @Id AND version = @Version
        """);

    private static readonly Sql BumpVersion = Sql.Portable("UPDATE pool SET version = version + 1 WHERE id = @Id");

    private static readonly Sql InsertLease = Sql.InsertReturningId(
        "lease_line",
        "pool_id, gpus, start_unix, end_unix, krw_per_gpu_hour, reference, created_unix",
        "@PoolId, @Gpus, @StartUnix, @EndUnix, @KrwPerGpuHour, @Reference, @CreatedUnix");

    private static readonly Sql LeasesOfPool = Sql.Portable("""
        SELECT id, pool_id, gpus, start_unix, end_unix, krw_per_gpu_hour, reference, created_unix
        FROM lease_line WHERE pool_id = @PoolId ORDER BY start_unix, id
        """);

    private static readonly Sql AccountsOfPool = Sql.Portable("""
        SELECT a.account, t.code AS team FROM scheduler_account a JOIN team t ON t.id = a.team_id
        WHERE a.pool_id = @PoolId ORDER BY a.account
        """);

    private static readonly Sql AccountTeam = Sql.Portable("""
        SELECT t.code FROM scheduler_account a JOIN team t ON t.id = a.team_id WHERE a.pool_id = @PoolId AND a.account = @Account
        """);

    private static readonly Sql InsertAccount = Sql.Portable("""
        INSERT INTO scheduler_account (pool_id, account, team_id, updated_unix) VALUES (@PoolId, @Account, @TeamId, @Now)
        """);

    private static readonly Sql UpdateAccount = Sql.Portable("""
        UPDATE scheduler_account SET team_id = @TeamId, updated_unix = @Now WHERE pool_id = @PoolId AND account = @Account
        """);

    /// <summary>Usage already reported under the account must follow it to its new team: reconciliation moves it.</summary>
    private static readonly Sql MarkAccountUsageForReconciliation = Sql.Portable(
        "UPDATE usage_record SET revision = revision + 1, dirty = 1 WHERE pool_id = @PoolId AND account = @Account");

    private static readonly Sql LeaseExtent = Sql.Portable(
        "SELECT MIN(start_unix) AS start_unix, MAX(end_unix) AS end_unix FROM lease_line WHERE pool_id = @PoolId");

    public async Task<PoolDetail> CreateAsync(CreatePoolRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var code = v.Code(request.Code, "code");
        var name = v.Text(request.Name, "name");
        var provider = v.Text(request.Provider, "provider");
        if (!GpuModel.IsValid(request.GpuModel))
        {
            v.Add("gpuModel", $"is required: {GpuModel.Rule}.");
        }

        var perNode = v.Range(request.GpusPerNode, "gpusPerNode", 1, 1024);
        v.ThrowIfInvalid();
        var model = GpuModel.Normalise(request.GpuModel!);

        await using var session = await db.WriteAsync(cancellationToken);
        if (await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.ByCode, new { Code = code }, cancellationToken) is not null)
        {
            throw Problems.Conflict("duplicate-code", "A pool with this code exists.", $"Pool '{code}' already exists.");
        }

        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        if (!weights.Models.Contains(model))
        {
            throw Problems.Unprocessable("unknown-gpu-model", "No equivalence weight for this GPU model.",
                $"GPU model '{model}' has no equivalence weight; set one with PUT /api/v1/weights first.", "gpuModel");
        }

        var now = Unix.Now(clock);
        var id = await session.QuerySingleAsync<long>(Insert, new
        {
            Code = code,
            Name = name,
            Provider = provider,
            GpuModel = model,
            GpusPerNode = perNode,
            CreatedUnix = Unix.Seconds(now),
        }, cancellationToken);
        var detail = new PoolDetail(code, name, provider, model, perNode, now, [], [], new NewLeasesView(true, null, null));
        await audit.WriteAsync(session, caller, "pool.create", "pool", Id(id), null, detail, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return detail;
    }

    /// <summary>A provider key lists only the pools it is bound to.</summary>
    public async Task<Page<PoolView>> ListAsync(Caller caller, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var session = await db.ReadAsync(cancellationToken);
        var rows = (await session.QueryAsync<PoolRow>(ListPage, new
        {
            page.After,
            page.Take,
            AllPools = caller.ReadsEverything ? 1 : 0,
            caller.KeyId,
        }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, r => r.ToView());
    }

    public async Task<(PoolDetail Detail, long Version)> GetAsync(string code, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var pool = await FindVisibleAsync(session, code, caller, cancellationToken);
        return (await DetailAsync(session, pool, cancellationToken), pool.Version);
    }

    public async Task<(PoolDetail Detail, long Version)> UpdateAsync(
        string code, UpdatePoolRequest request, IfMatch ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var name = request.Name is null ? null : v.Text(request.Name, "name");
        var provider = request.Provider is null ? null : v.Text(request.Provider, "provider");
        var perNode = request.GpusPerNode is null ? (long?)null : v.Range(request.GpusPerNode, "gpusPerNode", 1, 1024);
        var terms = request.NewLeases;
        var newPrice = terms?.KrwPerGpuHour is null ? (long?)null : v.Range(terms.KrwPerGpuHour, "newLeases.krwPerGpuHour", 0, MaxKrwPerGpuHour);
        var newMinimum = v.OptionalLeaseMinimum(terms?.MinimumLength, "newLeases.minimumLength");
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = code }, cancellationToken)
            ?? throw Problems.NotFound("pool", code);
        ETags.RequireMatch(ifMatch, pool.Version);
        var before = await DetailAsync(session, pool, cancellationToken);
        var stated = new NewLeasesView(
            terms?.Open ?? pool.ClosedToNewLeases == 0, newPrice ?? pool.NewLeaseKrwPerGpuHour,
            newMinimum is null ? pool.NewLeaseMinimum : NodaTime.Text.PeriodPattern.NormalizingIso.Format(newMinimum));
        await session.ExecuteAsync(Update, new
        {
            Name = name ?? pool.Name,
            Provider = provider ?? pool.Provider,
            GpusPerNode = perNode ?? pool.GpusPerNode,
            Closed = stated.Open ? 0 : 1,
            NewLeaseKrwPerGpuHour = stated.KrwPerGpuHour,
            NewLeaseMinimum = stated.MinimumLength,
            pool.Id,
            pool.Version,
        }, cancellationToken);
        var after = before with
        {
            Name = name ?? pool.Name,
            Provider = provider ?? pool.Provider,
            GpusPerNode = perNode ?? pool.GpusPerNode,
            NewLeases = stated,
        };
        await audit.WriteAsync(session, caller, "pool.update", "pool", Id(pool.Id), before, after, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return (after, pool.Version + 1);
    }

    /// <summary>
    /// Adds a lease line. Lines are never changed or removed: a lease is extended or topped up by another line, so the
    /// capacity that allocations were checked against can only grow.
    /// </summary>
    public async Task<LeaseView> AddLeaseAsync(string code, CreateLeaseRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var gpus = v.Range(request.Gpus, "gpus", 1, MaxGpus);
        var start = v.Instant(request.Start, "start");
        var end = v.Instant(request.End, "end");
        v.Ordered(start, end, "end");
        var price = v.Range(request.KrwPerGpuHour, "krwPerGpuHour", 0, MaxKrwPerGpuHour);
        var reference = v.OptionalText(request.Reference, "reference", 200);
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = code }, cancellationToken)
            ?? throw Problems.NotFound("pool", code);
        var now = Unix.Now(clock);
        var id = await session.QuerySingleAsync<long>(InsertLease, new
        {
            PoolId = pool.Id,
            Gpus = gpus,
            StartUnix = Unix.Seconds(start),
            EndUnix = Unix.Seconds(end),
            KrwPerGpuHour = price,
            Reference = reference,
            CreatedUnix = Unix.Seconds(now),
        }, cancellationToken);
        await session.ExecuteAsync(BumpVersion, new { pool.Id }, cancellationToken);
        await IdleDirty.MarkAsync(session, pool.Id, Unix.Seconds(start), Unix.Seconds(end), cancellationToken);
        var lease = new LeaseView(id, gpus, start, end, price, reference, now);
        await audit.WriteAsync(session, caller, "lease.create", "lease_line", Id(id), null, new { pool = pool.Code, lease }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return lease;
    }

    /// <summary>
    /// Leased, allocated and free GPUs over time. Without <c>from</c>/<c>to</c> it covers the pool's leases from the
    /// first start to the last end.
    /// </summary>
    public async Task<CapacityView> CapacityAsync(string code, QueryRange range, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var (fromInstant, toInstant) = range;
        await using var session = await db.ReadAsync(cancellationToken);
        var pool = await FindVisibleAsync(session, code, caller, cancellationToken);
        var extent = await session.QuerySingleAsync<ExtentRow>(LeaseExtent, new { PoolId = pool.Id }, cancellationToken);
        var start = fromInstant ?? (extent.StartUnix is { } s ? Unix.Instant(s) : null);
        var end = toInstant ?? (extent.EndUnix is { } e ? Unix.Instant(e) : null);
        if (start is null || end is null || end <= start)
        {
            return new CapacityView(pool.Code, pool.GpuModel, start, end, []);
        }

        var span = new Interval(start.Value, end.Value);
        var window = new { PoolId = pool.Id, FromUnix = Unix.Seconds(span.Start), ToUnix = Unix.Seconds(span.End) };
        var leases = await session.QueryAsync<LeaseRow>(PoolSql.LeasesOverlapping, window, cancellationToken);
        var allocations = await session.QueryAsync<AllocationSpanRow>(PoolSql.AllocationsOverlapping, window, cancellationToken);
        var segments = CapacityTimeline.Build(leases.Select(l => l.ToLine()), allocations.Select(a => a.ToSpan()), span)
            .Select(s => new CapacitySegmentView(s.Span.Start, s.Span.End, s.LeasedGpus, s.AllocatedGpus, s.FreeGpus))
            .ToList();
        return new CapacityView(pool.Code, pool.GpuModel, span.Start, span.End, segments);
    }

    /// <summary>Maps a scheduler account to a team; a second PUT moves it to another team. True when newly created.</summary>
    public async Task<(AccountView Account, bool Created)> MapAccountAsync(
        string code, string account, MapAccountRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        if (!SchedulerAccount.IsValid(account))
        {
            v.Add("account", $"must be {SchedulerAccount.Rule}.");
        }

        var teamCode = v.Code(request.Team, "team");
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = code }, cancellationToken)
            ?? throw Problems.NotFound("pool", code);
        var team = await session.QuerySingleOrDefaultAsync<TeamRow>(TeamStore.ByCode, new { Code = teamCode }, cancellationToken)
            ?? throw Problems.Unprocessable("unknown-team", "Unknown team.", $"There is no team '{teamCode}'.", "team");
        var previous = await session.QuerySingleOrDefaultAsync<string>(AccountTeam, new { PoolId = pool.Id, Account = account }, cancellationToken);
        var parameters = new { PoolId = pool.Id, Account = account, TeamId = team.Id, Now = Unix.Seconds(clock.GetCurrentInstant()) };
        await session.ExecuteAsync(previous is null ? InsertAccount : UpdateAccount, parameters, cancellationToken);
        if (previous != team.Code)
        {
            await session.ExecuteAsync(MarkAccountUsageForReconciliation, parameters, cancellationToken);
        }

        await session.ExecuteAsync(BumpVersion, new { pool.Id }, cancellationToken);
        var view = new AccountView(account, team.Code);
        await audit.WriteAsync(session, caller, "account.map", "scheduler_account", $"{pool.Code}/{account}",
            previous is null ? null : new AccountView(account, previous), view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return (view, previous is null);
    }

    /// <summary>
    /// 404 unless this caller may see the pool: checked before a large upload is read, so that a stranger learns
    /// nothing from how its body is judged, and the service reads nothing it would refuse anyway.
    /// </summary>
    public async Task EnsureVisibleAsync(string code, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        await FindVisibleAsync(session, code, caller, cancellationToken);
    }

    /// <summary>The pool with <paramref name="code"/> if this caller may see it; 404 otherwise, whether or not it exists.</summary>
    public static async Task<PoolRow> FindVisibleAsync(DbSession session, string code, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(caller);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.ByCode, new { Code = code }, cancellationToken);
        if (pool is null || !caller.MaySeePool(pool.Id))
        {
            throw Problems.NotFound("pool", code);
        }

        return pool;
    }

    private static async Task<PoolDetail> DetailAsync(DbSession session, PoolRow pool, CancellationToken cancellationToken)
    {
        var leases = await session.QueryAsync<LeaseRow>(LeasesOfPool, new { PoolId = pool.Id }, cancellationToken);
        var accounts = await session.QueryAsync<AccountView>(AccountsOfPool, new { PoolId = pool.Id }, cancellationToken);
        return new PoolDetail(pool.Code, pool.Name, pool.Provider, pool.GpuModel, pool.GpusPerNode, Unix.Instant(pool.CreatedUnix),
            leases.Select(l => l.ToView()).ToList(), accounts.ToList(), pool.NewLeases);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed class ExtentRow
    {
        public long? StartUnix { get; init; }
        public long? EndUnix { get; init; }
    }
}
