using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Api.Demo;

/// <summary>
/// Simulated usage for the demo, the same at every start (a fixed seed): each team runs jobs on its allocations, one
/// record per team, pool and Seoul day, with the patterns a manager would recognise: a two-week ramp-up, quieter
/// weekends, an idle week (Upstage on NAVER's H100s in early March), an account nobody mapped ("lgai-sandbox" on the
/// SKT cluster) and a short overuse (Motif on Elice in April). The day in progress is reported as a running job.
/// </summary>
public static class DemoUsage
{
    private static readonly DateTimeZone Seoul = DateTimeZoneProviders.Tzdb["Asia/Seoul"];
    private static readonly LocalDate IdleWeekStart = new(2026, 3, 9);

    public static Dictionary<string, List<IncomingUsage>> Generate(Instant now)
    {
        var random = new Random(20_260_116);
        var records = DemoData.Pools.ToDictionary(p => p.Code, _ => new List<IncomingUsage>());
        foreach (var allocation in DemoData.Allocations)
        {
            var account = DemoData.Accounts.First(a => a.Pool == allocation.Pool && a.Team == allocation.Team).Account;
            for (var day = allocation.From; day < allocation.To; day = day.PlusDays(1))
            {
                var start = ParticipationWindow.StartOfDay(day, Seoul);
                if (start >= now)
                {
                    break;
                }

                var share = Utilisation(allocation, day, random);
                var gpus = (long)Math.Round(allocation.Gpus * share);
                if (gpus > 0)
                {
                    records[allocation.Pool].Add(Job($"{allocation.Team}/{day:yyyy-MM-dd}", account, start, ParticipationWindow.StartOfDay(day.PlusDays(1), Seoul), gpus, now));
                }
            }
        }

        // An account the SKT cluster reports that no team was mapped to: flagged, kept aside until someone maps it.
        foreach (var day in Enumerable.Range(0, 10).Select(i => new LocalDate(2026, 4, 6).PlusDays(i * 3)))
        {
            var start = ParticipationWindow.StartOfDay(day, Seoul) + Duration.FromHours(10);
            records["skt-haein-b200"].Add(Job($"sandbox/{day:yyyy-MM-dd}", "lgai-sandbox", start, start + Duration.FromHours(6), 16, now));
        }

        // Motif ran past its allocation for three hours while a provider's reservation was misconfigured.
        var overuse = ParticipationWindow.StartOfDay(new LocalDate(2026, 4, 20), Seoul) + Duration.FromHours(13);
        records["elice-b200"].Add(Job("motif/overuse-2026-04-20", "motif", overuse, overuse + Duration.FromHours(3), 64, now));
        return records;
    }

    /// <summary>How busy a team keeps its allocation on a day: ramping up over two weeks, quieter at weekends, some noise.</summary>
    private static double Utilisation(DemoAllocation allocation, LocalDate day, Random random)
    {
        if (allocation.Team == "upstage" && allocation.Pool == "naver-h100" && day >= IdleWeekStart && day < IdleWeekStart.PlusDays(7))
        {
            return 0.0;
        }

        var daysIn = Period.Between(allocation.From, day, PeriodUnits.Days).Days;
        var ramp = Math.Min(1.0, 0.35 + (0.65 * daysIn / 14.0));
        var weekend = day.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday ? 0.6 : 1.0;
        return Math.Min(1.0, 0.92 * ramp * weekend * (0.9 + (0.1 * random.NextDouble())));
    }

    private static IncomingUsage Job(string externalId, string account, Instant start, Instant end, long gpus, Instant now)
    {
        var running = end > now;
        var until = running ? now : end;
        return new IncomingUsage(externalId, account, Unix.Seconds(start), running ? null : Unix.Seconds(end), Unix.Seconds(until), gpus,
            UsageOrigin.JsonRecord(0, endGiven: !running));
    }
}
