using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// Reads a JSON batch record by record and names each fault by its index (<c>records[12].end</c>): the shape of each
/// record (required fields, instants on whole seconds, one record per id). The rules every format shares (bounds on
/// time, duration, GPUs, names) are applied by the writer through <see cref="Core.Usage.UsageBounds"/>.
/// </summary>
public static class UsageValidation
{
    public const int MaxRecords = 50_000;
    public const long MaxGpus = 1_000_000;

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

            if (record.Account is null)
            {
                v.Add($"{field}.account", "is required.");
            }

            var gpus = v.Range(record.Gpus, $"{field}.gpus", 1, MaxGpus);
            var start = v.Instant(record.Start, $"{field}.start");
            Instant? end = record.End is null ? null : v.Instant(record.End, $"{field}.end");
            // measuredAt is read (and checked) whenever it is sent; it counts only for a record without an end.
            Instant? measured = record.MeasuredAt is null ? null : v.Instant(record.MeasuredAt, $"{field}.measuredAt");
            var until = end ?? measured ?? now;
            incoming.Add(new IncomingUsage(externalId, record.Account ?? string.Empty, Unix.Seconds(start), end is { } e ? Unix.Seconds(e) : null,
                Unix.Seconds(until), gpus, UsageOrigin.JsonRecord(i, end is not null)));
        }

        v.ThrowIfInvalid();
        return incoming;
    }
}
