namespace NationalAiEval.Api.Forecast;

public sealed record ForecastSummary(int FlagsOpened, int FlagsUpdated, int FlagsResolved);

/// <summary>The daily Hangfire job <c>forecast</c>: re-evaluates the forecast's flags. Safe to run twice or on two instances.</summary>
public sealed class ForecastJob(ForecastFlags flags)
{
    public const string Id = "forecast";

    /// <summary>Every day at 21:00 UTC, which is 06:00 in Seoul: the flags are fresh when the programme's day starts.</summary>
    public const string Schedule = "0 21 * * *";

    public async Task<ForecastSummary> RunAsync(CancellationToken cancellationToken)
    {
        var changes = await flags.EvaluateAsync("job:" + Id, cancellationToken);
        return new ForecastSummary(changes.Opened, changes.Updated, changes.Resolved);
    }
}
