using System.Globalization;
using NationalAiEval.Core.Codes;
using NationalAiEval.Core.Time;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Core.Usage;

/// <summary>
/// Reads <c>sacct --parsable2</c> (or <c>--parsable</c>) output with its header line, as Slurm prints it.
/// The traps of real output (tests/fixtures/slurm/README.md) are handled here:
/// <list type="bullet">
/// <item>step lines (<c>N.batch</c>, <c>N.0</c>, <c>N.extern</c>) repeat their job's GPUs and are skipped;</item>
/// <item><c>AllocTRES</c> may hold <c>gres/gpu=N</c> and a typed <c>gres/gpu:h200=N</c> for the same GPUs: the
/// untyped count wins, typed counts are summed only when it is absent; <c>gres/gpumem</c> and <c>gres/gpuutil</c>
/// are not counts;</item>
/// <item>pending or refused jobs (<c>Start</c> is <c>Unknown</c>/<c>None</c>) and CPU-only jobs used no GPU-time;</item>
/// <item>a running job (<c>End=Unknown</c>) counts up to <c>ElapsedRaw</c> at capture.</item>
/// </list>
/// A job is identified by cluster (when the column is there), JobID and start, because JobIDs repeat after a
/// cluster's accounting database is reset (api-docs/DEFINITIONS.md#job-identity). Job ids and cluster names are read
/// by their grammar (<see cref="SlurmNames"/>); the bounds every intake shares are applied when the jobs are stored.
/// </summary>
public static class SacctParser
{
    private static readonly LocalDateTimePattern SlurmTime = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss");

    public static SacctParseResult Parse(TextReader reader, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(zone);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lines.Read(line);
        }

        return lines.Result();
    }

    /// <summary>The same, reading asynchronously: a request body is streamed line by line, never loaded whole.</summary>
    public static async Task<SacctParseResult> ParseAsync(TextReader reader, DateTimeZone zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(zone);
        for (var line = await reader.ReadLineAsync(cancellationToken); line is not null; line = await reader.ReadLineAsync(cancellationToken))
        {
            lines.Read(line);
        }

        return lines.Result();
    }

    /// <summary>GPUs in an AllocTRES value such as <c>billing=1,cpu=1,gres/gpu:h200=2,gres/gpu=2,node=1</c>.</summary>
    public static long ReadGpus(string allocTres, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(allocTres);
        long? untyped = null;
        long typed = 0;
        foreach (var entry in allocTres.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new SacctFormatException(lineNumber, $"AllocTRES entry '{entry}' is not name=value.");
            }

            var name = entry[..equals];
            if (name != "gres/gpu" && !name.StartsWith("gres/gpu:", StringComparison.Ordinal))
            {
                continue; // cpu, mem, node, billing, gres/gpumem, gres/gpuutil: not GPU counts.
            }

            if (!long.TryParse(entry[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 1_000_000)
            {
                throw new SacctFormatException(lineNumber, $"AllocTRES '{entry}' is not a whole number of GPUs.");
            }

            if (name == "gres/gpu")
            {
                untyped = count;
            }
            else
            {
                typed = checked(typed + count);
            }
        }

        return untyped ?? typed;
    }

    /// <summary>Slurm's readable duration, <c>[D-]HH:MM:SS</c> or <c>MM:SS</c>, in seconds (as text, like ElapsedRaw).</summary>
    private static string? ElapsedSeconds(string text, int lineNumber)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            return null;
        }

        var days = 0L;
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && !long.TryParse(value[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days))
        {
            throw new SacctFormatException(lineNumber, $"Elapsed '{value}' is not [D-]HH:MM:SS.");
        }

        var parts = value[(dash + 1)..].Split(':');
        long seconds = 0;
        foreach (var part in parts)
        {
            if (parts.Length is < 2 or > 3 || !long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 59 && seconds > 0)
            {
                throw new SacctFormatException(lineNumber, $"Elapsed '{value}' is not [D-]HH:MM:SS.");
            }

            seconds = (seconds * 60) + number;
        }

        return (seconds + (days * 86_400)).ToString(CultureInfo.InvariantCulture);
    }

    private static Instant CountedUntil(Instant start, Instant? end, string? elapsedRaw, int lineNumber)
    {
        // Checked whatever the elapsed time says: a record that ends before it starts is stored by no one.
        if (end is { } last && last < start)
        {
            throw new SacctFormatException(lineNumber, "End is before Start.");
        }

        if (!string.IsNullOrWhiteSpace(elapsedRaw))
        {
            if (!long.TryParse(elapsedRaw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 100L * 365 * 86400)
            {
                throw new SacctFormatException(lineNumber, $"ElapsedRaw '{elapsedRaw}' is not a number of seconds.");
            }

            return start + Duration.FromSeconds(seconds);
        }

        if (end is { } finished)
        {
            return finished;
        }

        throw new SacctFormatException(lineNumber, "a running job needs the ElapsedRaw column to say how long it has run.");
    }

    private static Instant? ReadTime(string text, DateTimeZone zone, int lineNumber, string column)
    {
        var value = text.Trim();
        if (value.Length == 0 || value is "Unknown" or "None")
        {
            return null;
        }

        var parsed = SlurmTime.Parse(value);
        if (!parsed.Success || SupportedRange.NamesHour24(value))
        {
            throw new SacctFormatException(lineNumber, $"{column} '{value}' is not a Slurm time (yyyy-MM-ddTHH:mm:ss, Unknown or None).");
        }

        // Slurm prints local wall-clock time: in a repeated hour the earlier instant is taken, in a skipped one the later.
        return parsed.Value.InZoneLeniently(zone).ToInstant();
    }

    /// <summary>Reads one line at a time: the first non-blank line is the header, every later one a job or a step.</summary>
    private sealed class LineReader(DateTimeZone zone)
    {
        // One entry per job identity, in the order first seen: a job printed twice with the same values is one job.
        private readonly List<SacctJob> _jobs = [];
        private readonly Dictionary<string, int> _jobIndex = new(StringComparer.Ordinal);
        private Columns? _header;
        private int _lineNumber;
        private int _steps;
        private int _notStarted;
        private int _withoutGpus;

        public void Read(string line)
        {
            _lineNumber++;
            if (_header is null)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    _header = Columns.Read(line, _lineNumber);
                }

                return;
            }

            if (line.Length > 0)
            {
                ReadJob(_header, line);
            }
        }

        public SacctParseResult Result() => _header is null
            ? throw new SacctFormatException(1, "the text is empty; send sacct output with its header line (no --noheader).")
            : new SacctParseResult(_jobs, _steps, _notStarted, _withoutGpus);

        private void ReadJob(Columns header, string line)
        {
            var lineNumber = _lineNumber;
            var fields = header.Split(line, lineNumber);
            var jobId = fields[header.JobId].Trim();
            if (!SlurmNames.IsJobId(jobId))
            {
                throw new SacctFormatException(lineNumber, $"JobID is not {SlurmNames.JobIdRule}.");
            }

            if (jobId.Contains('.', StringComparison.Ordinal))
            {
                _steps++;
                return;
            }

            var start = ReadTime(fields[header.Start], zone, lineNumber, "Start");
            if (start is null)
            {
                _notStarted++;
                return;
            }

            var gpus = ReadGpus(fields[header.AllocTres], lineNumber);
            if (gpus == 0)
            {
                _withoutGpus++;
                return;
            }

            var account = fields[header.Account].Trim();
            if (account.Length == 0)
            {
                throw new SacctFormatException(lineNumber, "Account is empty on a job line.");
            }

            var end = header.End is { } endColumn ? ReadTime(fields[endColumn], zone, lineNumber, "End") : null;
            var elapsed = header.ElapsedRaw is { } raw && !string.IsNullOrWhiteSpace(fields[raw])
                ? fields[raw]
                : header.Elapsed is { } readable ? ElapsedSeconds(fields[readable], lineNumber) : null;
            var counted = CountedUntil(start.Value, end, elapsed, lineNumber);
            var cluster = header.Cluster is { } c ? fields[c].Trim() : string.Empty;
            if (cluster.Length > 0 && !SlurmNames.IsCluster(cluster))
            {
                throw new SacctFormatException(lineNumber, $"Cluster must be {SlurmNames.ClusterRule}.");
            }

            var externalId = SlurmNames.ExternalId(cluster, jobId, start.Value);
            var state = header.State is { } s ? fields[s].Trim() : string.Empty;
            var job = new SacctJob(lineNumber, externalId, jobId, account, start.Value, end, counted, gpus, state);
            if (_jobIndex.TryGetValue(externalId, out var index))
            {
                var earlier = _jobs[index];
                _jobs[index] = earlier.SameUsage(job)
                    ? job
                    : throw new SacctFormatException(lineNumber, $"job {jobId} appears again with other values (first on line {earlier.LineNumber}).");
            }
            else
            {
                _jobIndex[externalId] = _jobs.Count;
                _jobs.Add(job);
            }
        }
    }

    /// <summary>The header's column positions; JobID, Account, AllocTRES and Start are required.</summary>
    private sealed class Columns
    {
        private Columns(int count, bool trailingSeparator, Dictionary<string, int> index, int lineNumber)
        {
            Count = count;
            TrailingSeparator = trailingSeparator;
            JobId = Required(index, "JobID", lineNumber);
            Account = Required(index, "Account", lineNumber);
            AllocTres = Required(index, "AllocTRES", lineNumber);
            Start = Required(index, "Start", lineNumber);
            End = index.TryGetValue("End", out var end) ? end : null;
            ElapsedRaw = index.TryGetValue("ElapsedRaw", out var elapsed) ? elapsed : null;
            Elapsed = index.TryGetValue("Elapsed", out var readable) ? readable : null;
            Cluster = index.TryGetValue("Cluster", out var cluster) ? cluster : null;
            State = index.TryGetValue("State", out var state) ? state : null;
            if (End is null && ElapsedRaw is null && Elapsed is null)
            {
                throw new SacctFormatException(lineNumber, "the header needs End, ElapsedRaw or Elapsed.");
            }
        }

        public int Count { get; }

        public bool TrailingSeparator { get; }

        public int JobId { get; }

        public int Account { get; }

        public int AllocTres { get; }

        public int Start { get; }

        public int? End { get; }

        public int? ElapsedRaw { get; }

        public int? Elapsed { get; }

        public int? Cluster { get; }

        public int? State { get; }

        public static Columns Read(string headerLine, int lineNumber)
        {
            // --parsable ends every line with '|'; --parsable2 does not.
            var trailing = headerLine.EndsWith('|');
            var names = (trailing ? headerLine[..^1] : headerLine).Split('|');
            var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Length; i++)
            {
                if (!index.TryAdd(names[i].Trim(), i))
                {
                    throw new SacctFormatException(lineNumber, $"column '{names[i]}' appears twice in the header.");
                }
            }

            return new Columns(names.Length, trailing, index, lineNumber);
        }

        public string[] Split(string line, int lineNumber)
        {
            var text = TrailingSeparator && line.EndsWith('|') ? line[..^1] : line;
            var fields = text.Split('|');
            if (fields.Length != Count)
            {
                throw new SacctFormatException(lineNumber, $"expected {Count} fields as in the header, found {fields.Length}.");
            }

            return fields;
        }

        private static int Required(Dictionary<string, int> index, string name, int lineNumber) =>
            index.TryGetValue(name, out var position)
                ? position
                : throw new SacctFormatException(lineNumber, $"the header has no {name} column (sacct --parsable2 with --format including JobID,Account,AllocTRES,Start,End,ElapsedRaw).");
    }
}
