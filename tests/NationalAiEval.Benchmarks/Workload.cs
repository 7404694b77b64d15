using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Admission;
using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// A programme of <see cref="Pools"/> pools (64 GPUs each, leased for the whole period) and <see cref="Teams"/> teams
/// admitted at its start, each team allocated 32 GPUs on two pools, every team's account mapped on every pool; and a
/// deterministic stream of usage records spread evenly over the period: jobs of 1 to 8 GPUs lasting 30 minutes to 2
/// hours, mostly by the pool's own team, some by a neighbour (overuse) and 1% by an account nobody mapped.
/// </summary>
public sealed record Workload(int Pools, int Teams, Instant From, int Days)
{
    public const int GpusPerPool = 64;
    public const string Stage = "bench";

    public Instant To => From + Duration.FromDays(Days);

    /// <summary>The clock: a day after the period, so that every record lies in the past.</summary>
    public Instant Now => To + Duration.FromDays(1);

    public static string PoolCode(int pool) => $"pool-{pool:00}";

    public static string TeamCode(int team) => $"team-{team:00}";

    public static string Account(int team) => $"acct-{team:00}";

    public int TeamOfPool(int pool) => pool % (2 * Teams) / 2;

    public async Task SetUpAsync(IServiceProvider services)
    {
        var caller = Caller.System("benchmark");
        var ct = CancellationToken.None;
        var pools = services.GetRequiredService<PoolStore>();
        var stages = services.GetRequiredService<StageStore>();
        var teams = services.GetRequiredService<TeamStore>();
        var admissions = services.GetRequiredService<Admissions>();
        var allocations = services.GetRequiredService<AllocationBook>();
        string[] models = ["B200", "H200", "H100"];
        long[] prices = [9_000, 6_500, 4_000];
        for (var p = 0; p < Pools; p++)
        {
            await pools.CreateAsync(new CreatePoolRequest(PoolCode(p), $"Pool {p}", $"provider-{p % 5}", models[p % 3], 8), caller, ct);
            await pools.AddLeaseAsync(PoolCode(p), new CreateLeaseRequest(GpusPerPool, From, To, prices[p % 3], "benchmark lease"), caller, ct);
        }

        var start = From.InUtc().Date;
        await stages.CreateAsync(new CreateStageRequest(Stage, "Benchmark stage", start, Days, 1_000_000, 1_000_000_000, "UTC"), caller, ct);
        for (var t = 0; t < Teams; t++)
        {
            await teams.CreateAsync(new CreateTeamRequest(TeamCode(t), $"Team {t}"), caller, ct);
            await admissions.AdmitAsync(Stage, new AdmitRequest(TeamCode(t), start, ParticipationKind.Original, null, null), caller, ct);
            for (var p = 0; p < Pools; p++)
            {
                await pools.MapAccountAsync(PoolCode(p), Account(t), new MapAccountRequest(TeamCode(t)), caller, ct);
            }
        }

        for (var p = 0; p < Pools; p++)
        {
            await allocations.CreateAsync(new CreateAllocationRequest(Stage, TeamCode(TeamOfPool(p)), PoolCode(p), GpusPerPool / 2, From, To), caller, ct);
        }
    }

    /// <summary>Record <paramref name="index"/> of a stream of <paramref name="count"/>, on pool <c>index % Pools</c>.</summary>
    public UsageRow Record(long index, long count, string prefix = "job")
    {
        var pool = (int)(index % Pools);
        var perPool = Math.Max(1, count / Pools);
        var spacing = Math.Max(1, (long)Days * 86_400 / perPool);
        var start = From.ToUnixTimeSeconds() + (index / Pools * spacing % ((long)Days * 86_400 - 7_200));
        var duration = 1_800 + (index * 7_919 % 7 * 900);
        var gpus = 1 + (index * 31 % 8);
        var team = TeamOfPool(pool);
        var account = index % 100 == 7 ? "unknown-acct" : index % 10 == 3 ? Account((team + 1) % Teams) : Account(team);
        return new UsageRow(pool, $"{prefix}-{index}", account, start, start + duration, gpus);
    }

    /// <summary>A JSON batch for <c>POST /api/v1/pools/{pool}/usage</c>.</summary>
    public static byte[] JsonBatch(IEnumerable<UsageRow> rows)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("records");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("externalId", row.ExternalId);
                json.WriteString("account", row.Account);
                json.WriteString("start", InstantPattern.General.Format(Instant.FromUnixTimeSeconds(row.StartUnix)));
                json.WriteString("end", InstantPattern.General.Format(Instant.FromUnixTimeSeconds(row.EndUnix)));
                json.WriteNumber("gpus", row.Gpus);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>The same jobs as <c>sacct --parsable2</c> prints them (times in UTC, sent with timeZone=UTC).</summary>
    public static byte[] SacctBatch(IEnumerable<UsageRow> rows)
    {
        var text = new StringBuilder("JobID|JobName|Account|AllocTRES|ElapsedRaw|Start|End|State\n");
        foreach (var row in rows)
        {
            var start = Instant.FromUnixTimeSeconds(row.StartUnix).InUtc().LocalDateTime;
            var end = Instant.FromUnixTimeSeconds(row.EndUnix).InUtc().LocalDateTime;
            text.Append(CultureInfo.InvariantCulture,
                $"{row.ExternalId[(row.ExternalId.LastIndexOf('-') + 1)..]}|train|{row.Account}|billing=8,cpu=8,gres/gpu={row.Gpus},node=1|{row.EndUnix - row.StartUnix}|{start:uuuu-MM-ddTHH:mm:ss}|{end:uuuu-MM-ddTHH:mm:ss}|COMPLETED\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

public sealed record UsageRow(int Pool, string ExternalId, string Account, long StartUnix, long EndUnix, long Gpus);
