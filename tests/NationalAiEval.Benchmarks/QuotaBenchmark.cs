using NationalAiEval.Api.Auth;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// Quota reads at 64 concurrent connections, each team's automation polling its own quota with its own key, against
/// <c>/health/live</c> of the same process under the same load. The programme has a year of reconciled usage, so the
/// quota's figures come from real facts.
/// </summary>
public static class QuotaBenchmark
{
    public const int Connections = 64;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkOptions options)
    {
        var workload = UsageBenchmark.Programme;
        var path = Path.Combine(options.WorkDirectory, "quota.db");
        const long records = 200_000;
        await using var service = await BenchService.StartAsync(path, workload.Now);
        await workload.SetUpAsync(service.Services);
        await Ingestion.SendAsync(service, workload, Ingestion.Format.Json, 0, records, records);
        using (var manager = service.Client(await service.KeyAsync(Role.Manager)))
        {
            (await manager.PostAsync("/api/v1/jobs/reconcile-usage/runs", null)).EnsureSuccessStatusCode();
        }

        var keys = new string[workload.Teams];
        for (var t = 0; t < workload.Teams; t++)
        {
            keys[t] = await service.KeyAsync(Role.Team, Workload.TeamCode(t));
        }

        var warmUp = TimeSpan.FromSeconds(2);
        var duration = TimeSpan.FromSeconds(8);
        Console.Error.WriteLine("quota benchmark: /health/live");
        var health = await LoadClient.RunAsync(service.Address, Connections, warmUp, duration, _ => ("/health/live", null));
        Console.Error.WriteLine("quota benchmark: quota");
        var quota = await LoadClient.RunAsync(service.Address, Connections, warmUp, duration,
            worker => ($"/api/v1/teams/{Workload.TeamCode(worker % workload.Teams)}/quota", keys[worker % workload.Teams]));
        if (quota.Failures > 0 || health.Failures > 0)
        {
            throw new InvalidOperationException($"{quota.Failures} quota and {health.Failures} health requests failed");
        }

        return
        [
            new Result("Quota reads, throughput", $"{Connections} connections, {workload.Teams} team keys, {records:N0} records reconciled", quota.RequestsPerSecond, "req/s",
                "/health/live, same process and load", health.RequestsPerSecond, ">= 0.5x", quota.RequestsPerSecond / health.RequestsPerSecond >= 0.5),
            new Result("Quota reads, p50 latency", $"{Connections} connections", quota.P50Milliseconds, "ms",
                "/health/live p50", health.P50Milliseconds, "(reported)", true),
            new Result("Quota reads, p99 latency", $"{Connections} connections", quota.P99Milliseconds, "ms",
                "/health/live p99", health.P99Milliseconds, "< 10 ms", quota.P99Milliseconds < 10),
        ];
    }
}
