namespace NationalAiEval.Api.Idle;

public sealed record DetectIdleSummary(long PoolHoursComputed, int FlagsOpened, int FlagsUpdated, int FlagsResolved);

/// <summary>
/// The hourly Hangfire job <c>detect-idle</c>: brings the idle facts up to the last complete hour (and recomputes any
/// range a change marked stale), then re-evaluates the idle flags. Safe to run twice or on two instances at once.
/// </summary>
public sealed class DetectIdleJob(IdleCalculator calculator, IdleFlags flags)
{
    public const string Id = "detect-idle";
    public const string Schedule = "5 * * * *";

    public async Task<DetectIdleSummary> RunAsync(CancellationToken cancellationToken)
    {
        var hours = await calculator.RefreshAsync(cancellationToken);
        var changes = await flags.EvaluateAsync(cancellationToken);
        return new DetectIdleSummary(hours, changes.Opened, changes.Updated, changes.Resolved);
    }
}
