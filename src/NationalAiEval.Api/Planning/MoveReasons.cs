using NationalAiEval.Core.Planning;

namespace NationalAiEval.Api.Planning;

/// <summary>The API's codes for why a plan moves a team (<see cref="PlanMoveView.Reason"/>).</summary>
public static class MoveReasons
{
    public static string Code(MoveReason reason) => reason switch
    {
        MoveReason.NotLeased => "not-leased",
        MoveReason.Excluded => "excluded",
        MoveReason.NoAccount => "no-account",
        MoveReason.PoolFull => "pool-full",
        MoveReason.LessIdleWon => "less-idle-won",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
