using NodaTime;

namespace NationalAiEval.Core.Usage;

/// <summary>
/// One job line of <c>sacct --parsable2</c> that used GPUs. <see cref="CountedUntil"/> is where its usage stops
/// counting: the end for a finished job, start plus ElapsedRaw at capture for a running one.
/// </summary>
public sealed record SacctJob(
    int LineNumber, string ExternalId, string JobId, string Account, Instant Start, Instant? End, Instant CountedUntil, long Gpus, string State)
{
    public long GpuSeconds => checked(Gpus * (long)(CountedUntil - Start).TotalSeconds);

    /// <summary>The same job with the same usage, wherever each was printed (its state may have been read differently).</summary>
    public bool SameUsage(SacctJob other) =>
        other is not null && ExternalId == other.ExternalId && Account == other.Account && Start == other.Start && End == other.End
        && CountedUntil == other.CountedUntil && Gpus == other.Gpus;
}

/// <summary>What a sacct text held: the GPU jobs, and how many lines were rightly left out.</summary>
public sealed record SacctParseResult(IReadOnlyList<SacctJob> Jobs, int StepLines, int NotStarted, int WithoutGpus);

/// <summary>A line that cannot be read as sacct output. Nothing of the text is used.</summary>
public sealed class SacctFormatException : FormatException
{
    public SacctFormatException(int lineNumber, string message)
        : base($"line {lineNumber}: {message}")
    {
        LineNumber = lineNumber;
        Reason = message;
    }

    public SacctFormatException()
    {
        Reason = string.Empty;
    }

    public SacctFormatException(string message)
        : base(message)
    {
        Reason = message;
    }

    public SacctFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public int LineNumber { get; }

    public string Reason { get; }
}
