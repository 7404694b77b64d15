using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Codes;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// Checks a JSON batch record by record and names each fault by its index (<c>records[12].end</c>). Usage may not
/// lie in the future beyond a small clock skew: a provider cannot report what has not happened yet.
/// </summary>
public static class UsageValidation
{
    public const int MaxRecords = 50_000;
    public const long MaxGpus = 100_000;
    public static readonly Duration AllowedClockSkew = Duration.FromMinutes(15);

    public static IReadOnlyList<IncomingUsage> Validate(UsageBatchRequest request, Instant now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        if (request.Records is null)
        {
            v.Add("records", "is required: an array of usage records.");
            v.ThrowIfInvalid();
        }

        var records = request.Records!;
        if (records.Count > MaxRecords)
        {
            v.Add("records", $"may hold at most {MaxRecords} records a request; send the rest in further requests.");
            v.ThrowIfInvalid();
        }

        var latest = now + AllowedClockSkew;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var incoming = new List<IncomingUsage>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var field = $"records[{i}]";
            var record = records[i];
            if (record is null)
            {
                v.Add(field, "is not a record.");
                continue;
            }

            var externalId = v.Text(record.ExternalId, $"{field}.externalId", 200);
            if (externalId.Length > 0 && !seen.TryAdd(externalId, i))
            {
                v.Add($"{field}.externalId", $"appears twice in this request (also records[{seen[externalId]}]).");
            }

            if (!SchedulerAccount.IsValid(record.Account))
            {
                v.Add($"{field}.account", $"must be {SchedulerAccount.Rule}.");
            }

            var gpus = v.Range(record.Gpus, $"{field}.gpus", 1, MaxGpus);
            var start = v.Instant(record.Start, $"{field}.start");
            Instant? end = record.End is null ? null : v.Instant(record.End, $"{field}.end");
            var until = end ?? (record.MeasuredAt is null ? now : v.Instant(record.MeasuredAt, $"{field}.measuredAt"));
            if (until < start)
            {
                v.Add(end is null ? $"{field}.measuredAt" : $"{field}.end", "may not be before start.");
            }

            if (until > latest)
            {
                v.Add(end is null ? $"{field}.measuredAt" : $"{field}.end", $"lies in the future ({until}); usage can only be reported once it has happened.");
            }

            incoming.Add(new IncomingUsage(externalId, record.Account ?? string.Empty, Unix.Seconds(start), end is { } e ? Unix.Seconds(e) : null,
                Unix.Seconds(until), gpus));
        }

        v.ThrowIfInvalid();
        return incoming;
    }
}
