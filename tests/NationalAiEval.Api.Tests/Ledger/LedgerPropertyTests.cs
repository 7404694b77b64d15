using System.Net;
using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Ledger;

/// <summary>
/// Ledger invariants over random histories, through the real service: whatever records arrive, are corrected,
/// re-attributed by a late account mapping or cut by an elimination, in whatever order reconciliation runs,
/// <list type="bullet">
/// <item>the facts add up to the records, to the GPU-second, and hour by hour equal a recomputation from the records;</item>
/// <item>each participation's usage entries equal its charged facts times the weights, recomputed here independently;</item>
/// <item>an eliminated participation's GPU balance is exactly zero; grants never move.</item>
/// </list>
/// </summary>
[Trait(TestKinds.Name, TestKinds.Property)]
public sealed class LedgerPropertyTests
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly string[] Pools = ["p8", "h100"];
    private static readonly string[] Accounts = ["acct-a", "acct-b", "ghost"];

    [FsCheck.Xunit.Property(MaxTest = 25, QuietOnSuccess = true)]
    public Property AnyHistory_KeepsTheLedgerEqualToItsFacts() =>
        Prop.ForAll(Histories(), history => CheckAsync(history).GetAwaiter().GetResult());

    private static async Task<bool> CheckAsync(Step[] history)
    {
        await using var app = await TestApp.StartAsync(DatabaseKind.Sqlite, Instant.FromUtc(2026, 9, 1, 0, 0));
        var manager = app.Manager;
        var programme = new Programme(manager);
        await programme.PoolAsync("p8", gpus: 64);
        await programme.PoolAsync("h100", gpus: 64, model: "H100");
        await programme.StageAsync("st");
        await programme.TeamAsync("ta", "tb");
        await (await programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await programme.AdmitAsync("st", "tb")).ExpectAsync(HttpStatusCode.Created);
        foreach (var pool in Pools)
        {
            await (await manager.PutJsonAsync($"/api/v1/pools/{pool}/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
            await (await manager.PutJsonAsync($"/api/v1/pools/{pool}/accounts/acct-b", new { team = "tb" })).ExpectAsync(HttpStatusCode.Created);
        }

        var eliminated = false;
        foreach (var step in history)
        {
            switch (step)
            {
                case Report r:
                    var start = Origin + Duration.FromHours(r.StartHour) + Duration.FromMinutes(r.StartMinute);
                    var until = start + Duration.FromMinutes(r.Minutes);
                    await (await manager.PostRecordsAsync(Pools[r.Pool], UsageReports.Job($"job-{r.Record}", Accounts[r.Account], start.ToString(),
                        r.Running ? null : until.ToString(), r.Gpus, r.Running ? until.ToString() : null))).ExpectAsync(HttpStatusCode.OK);
                    break;
                case MapGhost m:
                    await (await manager.PutJsonAsync($"/api/v1/pools/{Pools[m.Pool]}/accounts/ghost", new { team = m.ToTeamA ? "ta" : "tb" })).ExpectAsync(HttpStatusCode.OK, HttpStatusCode.Created);
                    break;
                case Eliminate e when !eliminated:
                    eliminated = true;
                    await (await manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination",
                        new { effectiveAt = (Origin + Duration.FromHours(e.Hour)).ToString() })).ExpectAsync(HttpStatusCode.OK);
                    break;
                case Reconcile:
                    await manager.ReconcileAsync();
                    break;
            }
        }

        await manager.ReconcileAsync();
        return await InvariantsHoldAsync(app);
    }

    private static async Task<bool> InvariantsHoldAsync(TestApp app)
    {
        var records = await app.QueryAsync<(long Pool, string Account, long Start, long Until, long Gpus, long Seconds)>(
            "SELECT pool_id, account, start_unix, until_unix, gpus, gpu_seconds FROM usage_record");
        var facts = await app.QueryAsync<(long Pool, long Team, long Hour, long Seconds)>("SELECT pool_id, team_id, hour_unix, gpu_seconds FROM usage_fact WHERE gpu_seconds <> 0");
        var unmapped = await app.QueryAsync<long>("SELECT COALESCE(SUM(gpu_seconds), 0) FROM unmapped_usage_fact");
        var mapping = (await app.QueryAsync<(long Pool, string Account, long Team)>("SELECT pool_id, account, team_id FROM scheduler_account"))
            .ToDictionary(m => (m.Pool, m.Account), m => m.Team);

        // Facts hour by hour, from scratch: every second of every record, in its hour, for its current team.
        var expectedFacts = new Dictionary<(long Pool, long Team, long Hour), long>();
        foreach (var r in records.Where(r => mapping.ContainsKey((r.Pool, r.Account))))
        {
            for (var second = r.Start; second < r.Until; second += 60)
            {
                var key = (r.Pool, mapping[(r.Pool, r.Account)], second - (second % 3600));
                expectedFacts[key] = expectedFacts.GetValueOrDefault(key) + (r.Gpus * Math.Min(60, r.Until - second));
            }
        }

        if (facts.Sum(f => f.Seconds) + unmapped.Single() != records.Sum(r => r.Seconds)
            || facts.Count != expectedFacts.Count || facts.Any(f => expectedFacts.GetValueOrDefault((f.Pool, f.Team, f.Hour)) != f.Seconds))
        {
            return false;
        }

        // Usage entries per participation, from the facts, the windows and the published weights (B200 1000, H100 500).
        var weights = (await app.QueryAsync<(long Id, string Model)>("SELECT id, gpu_model FROM pool")).ToDictionary(p => p.Id, p => p.Model == "H100" ? 500L : 1000L);
        var participations = await app.QueryAsync<(long Id, long Team, long WindowStart, long WindowEnd, long? Ended)>(
            "SELECT id, team_id, window_start_unix, window_end_unix, ended_unix FROM participation");
        foreach (var p in participations)
        {
            var chargedUntil = p.Ended is { } ended ? Math.Min(p.WindowEnd, ended - (ended % 3600)) : p.WindowEnd;
            var expected = facts.Where(f => f.Team == p.Team && f.Hour >= p.WindowStart && f.Hour < chargedUntil).Sum(f => f.Seconds * weights[f.Pool]);
            var ledger = await app.QueryAsync<(string Kind, long Amount)>(
                "SELECT kind, amount FROM ledger_entry WHERE participation_id = @Id AND resource = 'gpu'", new { p.Id });
            var usage = -ledger.Where(l => l.Kind is "usage" or "reversal").Sum(l => l.Amount);
            var grants = ledger.Where(l => l.Kind == "grant").Sum(l => l.Amount);
            if (usage != expected || grants != 100_000L * 3_600_000 || (p.Ended is not null && ledger.Sum(l => l.Amount) != 0))
            {
                return false;
            }
        }

        return true;
    }

    private abstract record Step;

    private sealed record Report(int Record, int Pool, int Account, int StartHour, int StartMinute, int Minutes, int Gpus, bool Running) : Step;

    private sealed record MapGhost(int Pool, bool ToTeamA) : Step;

    private sealed record Eliminate(int Hour) : Step;

    private sealed record Reconcile : Step;

    private static Arbitrary<Step[]> Histories()
    {
        var report = from record in Gen.Choose(0, 9)
                     from pool in Gen.Choose(0, 1)
                     from account in Gen.Choose(0, 2)
                     from startHour in Gen.Choose(0, 1200)
                     from startMinute in Gen.Choose(0, 59)
                     from minutes in Gen.Choose(0, 60 * 50)
                     from gpus in Gen.Choose(1, 8)
                     from running in Gen.Elements(false, false, true)
                     select (Step)new Report(record, pool, account, startHour, startMinute, minutes, gpus, running);
        var map = from pool in Gen.Choose(0, 1) from toA in Gen.Elements(true, false) select (Step)new MapGhost(pool, toA);
        var eliminate = Gen.Choose(400, 1200).Select(h => (Step)new Eliminate(h));
        var step = Gen.Frequency((6, report), (1, map), (1, eliminate), (2, Gen.Constant((Step)new Reconcile())));
        return step.ArrayOf().Where(s => s.Length is > 0 and < 25).ToArbitrary();
    }
}
