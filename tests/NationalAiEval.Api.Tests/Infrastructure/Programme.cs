using System.Net;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>Builds a programme through the API as a manager would: pools with leases, teams, stages, admissions, allocations.</summary>
public sealed class Programme(HttpClient manager)
{
    public async Task PoolAsync(
        string code, long gpus = 8, string model = "B200", string from = "2026-01-01T00:00:00Z", string to = "2027-01-01T00:00:00Z", long krwPerGpuHour = 8000,
        string provider = "Test Cloud")
    {
        await (await manager.PostJsonAsync("/api/v1/pools", new { code, name = $"Pool {code}", provider, gpuModel = model, gpusPerNode = 8 }))
            .ExpectAsync(HttpStatusCode.Created);
        await LeaseAsync(code, gpus, from, to, krwPerGpuHour);
    }

    public async Task LeaseAsync(string pool, long gpus, string from, string to, long krwPerGpuHour = 8000) =>
        await (await manager.PostJsonAsync($"/api/v1/pools/{pool}/leases", new { gpus, start = from, end = to, krwPerGpuHour }))
            .ExpectAsync(HttpStatusCode.Created);

    public async Task TeamAsync(params string[] codes)
    {
        foreach (var code in codes)
        {
            await (await manager.PostJsonAsync("/api/v1/teams", new { code, name = $"Team {code}" })).ExpectAsync(HttpStatusCode.Created);
        }
    }

    public async Task StageAsync(
        string code, string startDate = "2026-01-16", long durationDays = 200, long entitlementGpuHours = 100_000, long dataGrantKrw = 2_800_000_000,
        string? timeZone = null) =>
        await (await manager.PostJsonAsync("/api/v1/stages", new { code, name = $"Stage {code}", startDate, durationDays, entitlementGpuHours, dataGrantKrw, timeZone }))
            .ExpectAsync(HttpStatusCode.Created);

    public Task<HttpResponseMessage> AdmitAsync(
        string stage, string team, string joinDate = "2026-01-16", string kind = "original", string? eligibleFrom = null, string[]? excludedPools = null) =>
        manager.PostJsonAsync($"/api/v1/stages/{stage}/participations", new { team, joinDate, kind, eligibleFrom, excludedPools });

    public Task<HttpResponseMessage> AllocateAsync(string stage, string team, string pool, long gpus, string start, string end) =>
        manager.PostJsonAsync("/api/v1/allocations", new { stage, team, pool, gpus, start, end });

    /// <summary>A stage "st" from 2026-01-16 for 200 days, pool "p8" with 8 B200 for 2026, and admitted original teams.</summary>
    public async Task SmallProgrammeAsync(params string[] teams)
    {
        await PoolAsync("p8");
        await StageAsync("st");
        await TeamAsync(teams);
        foreach (var team in teams)
        {
            await (await AdmitAsync("st", team)).ExpectAsync(HttpStatusCode.Created);
        }
    }
}
