using System.Net;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;
using Allocation = NationalAiEval.Api.Tests.Infrastructure.WasteOracle.Allocation;
using Lease = NationalAiEval.Api.Tests.Infrastructure.WasteOracle.Lease;
using UsageSpan = NationalAiEval.Api.Tests.Infrastructure.WasteOracle.Usage;

namespace NationalAiEval.Api.Tests.Reports;

/// <summary>
/// The waste report over random leases (overlapping lines at different prices), allocations and usage (of teams and of
/// an unmapped account, overlapping beyond what is leased), through the real service: its totals equal a recomputation from the
/// raw inputs, in GPU-hours and in won, and leased = used + unallocated + allocated-unused in every row of every grouping.
/// Quarter hours and prices in multiples of 4 KRW keep every figure a whole won, so the comparison is exact.
/// </summary>
[Trait(TestKinds.Name, TestKinds.Property)]
public sealed class WastePropertyTests
{
    /// <summary>February 2026 in Seoul.</summary>
    private static readonly long MonthStart = Instant.FromUtc(2026, 1, 31, 15, 0).ToUnixTimeSeconds();

    private static readonly long MonthEnd = Instant.FromUtc(2026, 2, 28, 15, 0).ToUnixTimeSeconds();

    private static readonly string[] Accounts = ["acct-a", "acct-b", "stray"];

    private static readonly string?[] TeamOfAccount = ["ta", "tb", null];

    private static readonly string[] Groupings = ["pool", "team", "cause", "month,team,cause", "provider"];

    [FsCheck.Xunit.Property(MaxTest = 20, QuietOnSuccess = true)]
    public Property TheReport_EqualsARecomputationFromTheRawInputs_AndEveryRowBalances() =>
        Prop.ForAll(Scenarios(), scenario => CheckAsync(scenario).GetAwaiter().GetResult());

    private static async Task<bool> CheckAsync(Scenario scenario)
    {
        await using var app = await TestApp.StartAsync(DatabaseKind.Sqlite, Instant.FromUtc(2026, 3, 2, 0, 0));
        var manager = app.Manager;
        var programme = new Programme(manager);
        var (baseLease, extras) = (scenario.Leases[0], scenario.Leases.Skip(1));
        await programme.PoolAsync("pp", gpus: baseLease.Gpus, from: Text(baseLease.Start), to: Text(baseLease.End), krwPerGpuHour: baseLease.KrwPerGpuHour);
        foreach (var lease in extras)
        {
            await programme.LeaseAsync("pp", lease.Gpus, Text(lease.Start), Text(lease.End), lease.KrwPerGpuHour);
        }

        await programme.StageAsync("st");
        await programme.TeamAsync("ta", "tb");
        foreach (var team in new[] { "ta", "tb" })
        {
            await (await programme.AdmitAsync("st", team)).ExpectAsync(HttpStatusCode.Created);
        }

        await (await manager.PutJsonAsync("/api/v1/pools/pp/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await (await manager.PutJsonAsync("/api/v1/pools/pp/accounts/acct-b", new { team = "tb" })).ExpectAsync(HttpStatusCode.Created);
        foreach (var a in scenario.Allocations)
        {
            await (await programme.AllocateAsync("st", a.Team, "pp", a.Gpus, Text(a.Start), Text(a.End))).ExpectAsync(HttpStatusCode.Created);
        }

        var records = scenario.Usage.Select((u, i) => UsageReports.Job($"job-{i}", Accounts[Array.IndexOf(TeamOfAccount, u.Team)], Text(u.Start), Text(u.End), u.Gpus)).ToArray();
        if (records.Length > 0)
        {
            await (await manager.PostRecordsAsync("pp", records)).ExpectAsync(HttpStatusCode.OK);
        }

        await manager.ReconcileAsync();
        await (await manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);

        var expected = WasteOracle.Compute(scenario.Leases, scenario.Allocations, scenario.Usage, MonthStart, MonthEnd);
        var reports = new List<JsonElement>();
        foreach (var grouping in Groupings)
        {
            reports.Add(await (await manager.GetAsync($"/api/v1/reports/waste?from=2026-02&to=2026-02&groupBy={grouping}")).ExpectAsync(HttpStatusCode.OK));
        }

        var total = reports[0].GetProperty("total");
        Assert.Equal(
            (Hours(expected.Leased), Hours(expected.Allocated), Hours(expected.Used), Hours(expected.Unallocated), Hours(expected.AllocatedUnused), Hours(expected.Excess)),
            (total.Decimal("leasedGpuHours"), total.Decimal("allocatedGpuHours"), total.Decimal("usedGpuHours"), total.Decimal("idleUnallocatedGpuHours"),
                total.Decimal("idleAllocatedUnusedGpuHours"), total.Decimal("excessGpuHours")));
        Assert.Equal(
            (expected.LeasedMoney / 3600, expected.UsedMoney / 3600, expected.UnallocatedMoney / 3600, expected.AllocatedUnusedMoney / 3600),
            (total.Long("leasedKrw"), total.Long("usedKrw"), total.Long("idleUnallocatedKrw"), total.Long("idleAllocatedUnusedKrw")));
        foreach (var report in reports)
        {
            Assert.Equal(total.ToString(), report.GetProperty("total").ToString());
            foreach (var row in report.Items("rows").Append(report.GetProperty("total")))
            {
                Assert.Equal(row.Decimal("leasedGpuHours"), row.Decimal("usedGpuHours") + row.Decimal("idleUnallocatedGpuHours") + row.Decimal("idleAllocatedUnusedGpuHours"));
                Assert.Equal(row.Long("leasedKrw"), row.Long("usedKrw") + row.Long("idleUnallocatedKrw") + row.Long("idleAllocatedUnusedKrw"));
                Assert.Equal(row.Decimal("leasedEquivalentGpuHours"),
                    row.Decimal("usedEquivalentGpuHours") + row.Decimal("idleUnallocatedEquivalentGpuHours") + row.Decimal("idleAllocatedUnusedEquivalentGpuHours"));
            }

            Assert.Equal(total.Long("idleKrw"), report.Items("rows").Sum(r => r.Long("idleKrw")));
        }

        return true;
    }

    private static decimal Hours(long gpuSeconds) => gpuSeconds / 3600m;

    private static string Text(long unix) => Instant.FromUnixTimeSeconds(unix).ToString();

    public sealed record Scenario(Lease[] Leases, Allocation[] Allocations, UsageSpan[] Usage)
    {
        public override string ToString() =>
            $"leases [{string.Join("; ", Leases.Select(l => l.ToString()))}] allocations [{string.Join("; ", Allocations.Select(a => a.ToString()))}] usage [{string.Join("; ", Usage.Select(u => u.ToString()))}]";
    }

    /// <summary>A base lease over the whole month (and beyond), extra lines, allocations that fit in the base, and usage.</summary>
    private static Arbitrary<Scenario> Scenarios()
    {
        const long Quarter = 900;
        var monthQuarters = (int)((MonthEnd - MonthStart) / Quarter);
        var price = Gen.Choose(250, 4000).Select(p => p * 4L);
        var baseLease = from gpus in Gen.Elements(3L, 6L, 9L)
                        from krw in price
                        select new Lease(gpus, MonthStart - (24 * 3600), MonthEnd + (24 * 3600), krw);
        var extra = from gpus in Gen.Choose(1, 8)
                    from start in Gen.Choose(-8, monthQuarters)
                    from length in Gen.Choose(1, 1200)
                    from krw in price
                    select new Lease(gpus, MonthStart + (start * Quarter), MonthStart + ((start + length) * Quarter), krw);
        var span = from start in Gen.Choose(0, monthQuarters - 1)
                   from length in Gen.Choose(1, 800)
                   select (Start: MonthStart + (start * Quarter), End: Math.Min(MonthEnd + (96 * Quarter), MonthStart + ((start + length) * Quarter)));
        return (from lease in baseLease
                from extras in extra.ListOf().Select(l => l.Take(2).ToArray())
                from allocations in (from team in Gen.Elements("ta", "tb") from s in span select (team, s)).ListOf()
                    .Select(list => list.Take(3).Select(a => new Allocation(a.team, lease.Gpus / 3, a.s.Start, a.s.End)).ToArray())
                from usage in (from who in Gen.Elements(0, 1, 2)
                               // A job may not hold more GPUs than the pool ever leases at once (the intake bounds);
                               // overlapping jobs still report more than the lease, which the report counts as excess.
                               from gpus in Gen.Choose(1, (int)lease.Gpus)
                               from s in span
                               select new UsageSpan(TeamOfAccount[who], gpus, s.Start, s.End)).ListOf().Select(l => l.Take(6).ToArray())
                select new Scenario([lease, .. extras], allocations, usage)).ToArbitrary();
    }
}
