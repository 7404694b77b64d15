using NodaTime;

namespace NationalAiEval.Api.Planning;

/// <summary>
/// How a plan is made: in whole nodes or GPUs, changing on which boundaries (<see cref="Core.Planning.PlanSteps"/>), and
/// whether teams may go on pools where they have no scheduler account.
/// </summary>
public sealed record PlanOptions(bool WholeNodes, Period Granularity, bool AnyPool);
