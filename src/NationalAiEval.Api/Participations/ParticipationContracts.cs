using NationalAiEval.Core.Allocations;
using NodaTime;

namespace NationalAiEval.Api.Participations;

public enum ParticipationKind
{
    Original,
    Rechallenge,
}

/// <summary>
/// Admits a team to a stage from <see cref="JoinDate"/>. <see cref="EligibleFrom"/> is the first date it may receive
/// GPUs (a firm that leases GPUs to the programme gets none before government GPUs arrive).
/// </summary>
public sealed record AdmitRequest(
    string? Team, LocalDate? JoinDate, ParticipationKind? Kind, LocalDate? EligibleFrom, IReadOnlyList<string>? ExcludedPools);

/// <summary>An elimination or withdrawal, effective at an instant.</summary>
public sealed record EndParticipationRequest(Instant? EffectiveAt, string? Reason);

/// <summary>A participation's window is <c>[WindowStart, WindowEnd)</c>: <c>WindowDays</c> days from 00:00 of the join date in the stage's zone.</summary>
public sealed record ParticipationView(
    string Stage, string Team, ParticipationKind Kind, LocalDate JoinDate, Instant WindowStart, Instant WindowEnd, long WindowDays,
    LocalDate? EligibleFrom, Instant? EligibleAt, IReadOnlyList<string> ExcludedPools, ParticipationStatus Status, Instant? EndedAt,
    string? EndReason, Instant CreatedAt);

/// <summary>
/// What an elimination or withdrawal did: allocations cut at the instant, the GPU balance forfeited, the undrawn data
/// grant cancelled. For an end recorded ahead of its instant the amounts are the balances now; they are forfeited when
/// the end takes effect (usage until then reduces them).
/// </summary>
public sealed record ParticipationEnded(
    ParticipationView Participation, IReadOnlyList<long> AllocationsShortened, IReadOnlyList<long> AllocationsRemoved,
    long ForfeitedMilliEghSeconds, decimal ForfeitedGpuHours, long CancelledDataKrw);
