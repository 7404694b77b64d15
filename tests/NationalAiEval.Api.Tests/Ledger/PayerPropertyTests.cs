using System.Net;
using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Ledger;

/// <summary>
/// One payer per hour across stages, through the real service: two stages whose windows overlap, teams admitted,
/// ended and admitted again to the later stage, in any order with usage and reconciliations. Afterwards every
/// GPU-second of a mapped account is charged to exactly one participation (the one the definition names, recomputed
/// here) or flagged (outside-window or after-end, by exactly its amount); every ended participation's balance is zero;
/// and every quota's used total equals the sum of its per-pool figures.
/// </summary>
[Trait(TestKinds.Name, TestKinds.Property)]
public sealed class PayerPropertyTests
{
    /// <summary>2026-01-16 00:00 in Seoul: stage s1's start; s2 starts 9 days later and lasts twice as long.</summary>
    private static readonly Instant Origin = Instant.FromUtc(2026, 1, 15, 15, 0);

    private static readonly (string Code, LocalDate Start, int Days)[] Stages =
        [("s1", new LocalDate(2026, 1, 16), 30), ("s2", new LocalDate(2026, 1, 25), 60)];

    private static readonly string[] Teams = ["ta", "tb"];

    [FsCheck.Xunit.Property(MaxTest = 20, QuietOnSuccess = true)]
    public Property EveryGpuSecond_HasOnePayerOrAFlag_WhateverTheOrderOfAdmissionsEndsAndUsage() =>
        Prop.ForAll(Histories(), history => CheckAsync(history).GetAwaiter().GetResult());

    private static async Task<bool> CheckAsync(Step[] history)
    {
        await using var app = await TestApp.StartAsync(DatabaseKind.Sqlite, Instant.FromUtc(2026, 9, 1, 0, 0));
        var manager = app.Manager;
        var programme = new Programme(manager);
        await programme.PoolAsync("p8", gpus: 64);
        foreach (var (code, start, days) in Stages)
        {
            await programme.StageAsync(code, startDate: start.ToString("uuuu-MM-dd", null), durationDays: days);
        }

        await programme.TeamAsync(Teams);
        await (await manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await (await manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-b", new { team = "tb" })).ExpectAsync(HttpStatusCode.Created);

        foreach (var step in history)
        {
            switch (step)
            {
                case Report r:
                    var start = Origin + Duration.FromHours(r.StartHour) + Duration.FromMinutes(r.StartMinute);
                    await (await manager.PostRecordsAsync("p8", UsageReports.Job($"job-{r.Record}", r.Team == 0 ? "acct-a" : "acct-b", start.ToString(),
                        (start + Duration.FromMinutes(r.Minutes)).ToString(), r.Gpus))).ExpectAsync(HttpStatusCode.OK);
                    break;
                case Admit a:
                    var join = Stages[a.Stage].Start.PlusDays(a.JoinOffsetDays).ToString("uuuu-MM-dd", null);
                    await (await programme.AdmitAsync(Stages[a.Stage].Code, Teams[a.Team], join, a.Stage == 0 ? "original" : "rechallenge"))
                        .ExpectAsync(HttpStatusCode.Created, HttpStatusCode.Conflict);
                    break;
                case End e:
                    var ended = await manager.PostJsonAsync($"/api/v1/stages/{Stages[e.Stage].Code}/participations/{Teams[e.Team]}/{(e.Withdraw ? "withdrawal" : "elimination")}",
                        new { effectiveAt = (Origin + Duration.FromHours(e.Hour) + Duration.FromMinutes(e.Minute)).ToString() });
                    Assert.True(ended.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity,
                        await ended.Content.ReadAsStringAsync());
                    break;
                case Reconcile:
                    await manager.ReconcileAsync();
                    break;
            }
        }

        await manager.ReconcileAsync();
        await InvariantsHoldAsync(app);
        return true;
    }

    private static async Task InvariantsHoldAsync(TestApp app)
    {
        var facts = await app.QueryAsync<(long Team, long Hour, long Seconds)>("SELECT team_id, hour_unix, gpu_seconds FROM usage_fact WHERE gpu_seconds <> 0");
        var participations = await app.QueryAsync<(long Id, long Team, long WindowStart, long WindowEnd, long? Ended)>(
            "SELECT id, team_id, window_start_unix, window_end_unix, ended_unix FROM participation");
        var charged = participations.ToDictionary(p => p.Id, _ => 0L);
        var unpaid = new Dictionary<long, long>();
        foreach (var fact in facts)
        {
            // The definition, spelt again: of the windows holding the hour and still running in it, the earliest pays.
            var payer = participations
                .Where(p => p.Team == fact.Team && fact.Hour >= p.WindowStart && fact.Hour < p.WindowEnd && (p.Ended is not { } end || fact.Hour < end - (end % 3600)))
                .OrderBy(p => p.WindowStart).ThenBy(p => p.Id).Select(p => (long?)p.Id).FirstOrDefault();
            if (payer is { } id)
            {
                charged[id] += fact.Seconds * 1000;
            }
            else
            {
                unpaid[fact.Team] = unpaid.GetValueOrDefault(fact.Team) + fact.Seconds;
            }
        }

        foreach (var p in participations)
        {
            var ledger = await app.QueryAsync<(string Kind, long Amount)>("SELECT kind, amount FROM ledger_entry WHERE participation_id = @Id AND resource = 'gpu'", new { p.Id });
            Assert.Equal(charged[p.Id], -ledger.Where(l => l.Kind is "usage" or "reversal").Sum(l => l.Amount));
            if (p.Ended is not null)
            {
                Assert.Equal(0, ledger.Sum(l => l.Amount));
            }
        }

        var flagged = await app.QueryAsync<(long Team, long Amount)>(
            "SELECT team_id, amount FROM flag WHERE kind IN ('outside-window', 'after-end') AND status <> 'resolved'");
        foreach (var team in facts.Select(f => f.Team).Distinct())
        {
            Assert.Equal(unpaid.GetValueOrDefault(team), flagged.Where(f => f.Team == team).Sum(f => f.Amount));
        }

        foreach (var team in Teams)
        {
            var quota = await (await app.Manager.GetAsync($"/api/v1/teams/{team}/quota")).ExpectAsync(HttpStatusCode.OK);
            foreach (var stage in quota.Items("stages"))
            {
                var used = stage.GetProperty("used");
                Assert.Equal(used.Decimal("equivalentGpuHours"), used.Items("byPool").Sum(p => p.Decimal("equivalentGpuHours")));
            }
        }
    }

    private abstract record Step;

    private sealed record Report(int Record, int Team, int StartHour, int StartMinute, int Minutes, int Gpus) : Step;

    private sealed record Admit(int Team, int Stage, int JoinOffsetDays) : Step;

    private sealed record End(int Team, int Stage, int Hour, int Minute, bool Withdraw) : Step;

    private sealed record Reconcile : Step;

    private static Arbitrary<Step[]> Histories()
    {
        var report = from record in Gen.Choose(0, 11)
                     from team in Gen.Choose(0, 1)
                     from startHour in Gen.Choose(0, 24 * 80)
                     from startMinute in Gen.Choose(0, 59)
                     from minutes in Gen.Choose(1, 60 * 40)
                     from gpus in Gen.Choose(1, 8)
                     select (Step)new Report(record, team, startHour, startMinute, minutes, gpus);
        var admit = from team in Gen.Choose(0, 1) from stage in Gen.Choose(0, 1) from offset in Gen.Choose(0, 20) select (Step)new Admit(team, stage, offset);
        var end = from team in Gen.Choose(0, 1)
                  from stage in Gen.Choose(0, 1)
                  from hour in Gen.Choose(0, 24 * 80)
                  from minute in Gen.Choose(0, 59)
                  from withdraw in Gen.Elements(false, true)
                  select (Step)new End(team, stage, hour, minute, withdraw);
        var step = Gen.Frequency((5, report), (3, admit), (2, end), (2, Gen.Constant((Step)new Reconcile())));
        return step.ArrayOf().Where(s => s.Length is > 0 and < 25).ToArbitrary();
    }
}
