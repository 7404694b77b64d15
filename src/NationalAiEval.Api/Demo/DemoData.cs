using NodaTime;

namespace NationalAiEval.Api.Demo;

/// <summary>
/// The demo programme, modelled on the public story of Korea's sovereign AI foundation model programme: five leased
/// pools, stage 2 from 2026-01-16 with three original teams and the re-challenge team Motif Technologies joining on
/// 2026-02-20, and an allocation plan that gives every team
/// exactly its entitlement. Lease dates are inclusive Seoul dates (a lease "to 2026-06-30" ends at 2026-07-01 00:00).
/// </summary>
public static class DemoData
{
    public const string Stage = "stage-2";

    /// <summary>
    /// 200 days: the original teams' windows run to 2026-08-04, the early-August evaluation; Motif's, joining 35 days
    /// later, to 2026-09-08. Equal duration and a single evaluation date pull apart: that is the programme's tension.
    /// </summary>
    public const long DurationDays = 200;

    /// <summary>768 B200-equivalent GPUs for 150 days (768 x 24 x 150 = 2,764,800 EGH) within the 200-day window.</summary>
    public const long EntitlementGpuHours = 2_764_800;

    public const long DataGrantKrw = 2_800_000_000;

    public static readonly LocalDate StageStart = new(2026, 1, 16);

    /// <summary>Finance has closed every month up to this one (from the first lease, August 2025).</summary>
    public static readonly YearMonth LastClosedMonth = new(2026, 3);

    public static readonly IReadOnlyList<DemoPool> Pools =
    [
        new("skt-haein-b200", "SKT Haein B200 cluster", "SK Telecom", "B200", 1024, new(2025, 8, 1), new(2026, 6, 30), 8_000),
        new("naver-h100", "NAVER Cloud H100", "NAVER Cloud", "H100", 1024, new(2025, 8, 1), new(2026, 6, 30), 4_500),
        new("kt-h200", "KT Cloud H200", "KT Cloud", "H200", 512, new(2025, 10, 1), new(2026, 6, 30), 6_000),
        new("elice-b200", "Elice B200", "Elice Group", "B200", 768, new(2026, 2, 20), new(2026, 7, 31), 8_000),
        new("nhn-gov-b200", "NHN Cloud government B200 (NIPA-owned)", "NHN Cloud", "B200", 3072, new(2026, 7, 1), new(2026, 12, 31), 7_000),
    ];

    public static readonly IReadOnlyList<DemoTeam> Teams =
    [
        new("lg-ai-research", "LG AI Research", "LG", new(2026, 1, 16), "original", null, []),
        new("upstage", "Upstage", "UPSTAGE", new(2026, 1, 16), "original", null, []),
        // SK Telecom leases GPUs to the programme: no GPUs until government-owned ones arrive, none from its own cluster.
        new("sk-telecom", "SK Telecom", "SKT", new(2026, 1, 16), "original", new(2026, 7, 1), ["skt-haein-b200"]),
        new("motif", "Motif Technologies", "MOTIF", new(2026, 2, 20), "rechallenge", null, []),
    ];

    public static readonly IReadOnlyList<(string Pool, string Account, string Team)> Accounts =
    [
        ("skt-haein-b200", "lgai", "lg-ai-research"),
        ("skt-haein-b200", "upstage", "upstage"),
        ("naver-h100", "lg_exaone", "lg-ai-research"),
        ("naver-h100", "upstage-solar", "upstage"),
        ("elice-b200", "motif", "motif"),
        ("elice-b200", "skt-ax", "sk-telecom"),
        ("nhn-gov-b200", "sktelecom", "sk-telecom"),
        ("nhn-gov-b200", "motif-tech", "motif"),
    ];

    /// <summary>Each team's allocations add up to exactly 115,200 B200-equivalent GPU-days, its entitlement.</summary>
    public static readonly IReadOnlyList<DemoAllocation> Allocations =
    [
        new("lg-ai-research", "skt-haein-b200", 512, new(2026, 1, 16), new(2026, 7, 1)),
        new("lg-ai-research", "naver-h100", 512, new(2026, 1, 16), new(2026, 5, 14)),
        new("upstage", "skt-haein-b200", 512, new(2026, 1, 16), new(2026, 7, 1)),
        new("upstage", "naver-h100", 512, new(2026, 1, 16), new(2026, 5, 14)),
        new("motif", "elice-b200", 768, new(2026, 2, 20), new(2026, 7, 1)),
        new("motif", "nhn-gov-b200", 608, new(2026, 8, 4), new(2026, 8, 28)),
        new("sk-telecom", "nhn-gov-b200", 3072, new(2026, 7, 1), new(2026, 8, 4)),
        new("sk-telecom", "elice-b200", 768, new(2026, 7, 1), new(2026, 7, 15)),
    ];
}

public sealed record DemoPool(
    string Code, string Name, string Provider, string GpuModel, long Gpus, LocalDate LeaseFirstDay, LocalDate LeaseLastDay, long KrwPerGpuHour);

public sealed record DemoTeam(
    string Code, string Name, string KeySuffix, LocalDate JoinDate, string Kind, LocalDate? EligibleFrom, IReadOnlyList<string> ExcludedPools);

/// <summary>An allocation over <c>[From 00:00, To 00:00)</c> Seoul time.</summary>
public sealed record DemoAllocation(string Team, string Pool, long Gpus, LocalDate From, LocalDate To);
