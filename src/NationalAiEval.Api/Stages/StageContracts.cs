using NodaTime;

namespace NationalAiEval.Api.Stages;

public sealed record CreateStageRequest(
    string? Code, string? Name, LocalDate? StartDate, long? DurationDays, long? EntitlementGpuHours, long? DataGrantKrw, string? TimeZone);

/// <summary>The name may change at any time; the terms only while nobody has been admitted (fields left out stay).</summary>
public sealed record UpdateStageRequest(
    string? Name, LocalDate? StartDate, long? DurationDays, long? EntitlementGpuHours, long? DataGrantKrw, string? TimeZone);

/// <summary>
/// A stage. <see cref="EndDate"/> is the exclusive end of a participation that joins on the start date; later
/// joiners' windows end later by as many days as they joined late.
/// </summary>
public sealed record StageView(
    string Code, string Name, LocalDate StartDate, long DurationDays, LocalDate EndDate, decimal EntitlementGpuHours,
    long EntitlementMilliEghSeconds, long DataGrantKrw, string TimeZone, Instant CreatedAt);

public sealed record ParticipationEquality(
    string Team, string Kind, string Status, LocalDate JoinDate, Instant WindowStart, Instant WindowEnd, long WindowDays,
    decimal WindowHours, long GrantedMilliEghSeconds, decimal GrantedGpuHours, long GrantedDataKrw);

/// <summary>
/// The equality proof: what each participation was granted, read from the ledger, against the stage's terms; and the
/// plans a manager committed although they could not give every team its entitlement, with the reason given.
/// </summary>
public sealed record EqualityView(
    string Stage, decimal EntitlementGpuHours, long EntitlementMilliEghSeconds, long DataGrantKrw, long DurationDays,
    bool AllEqual, bool EntitlementsEqual, bool DataGrantsEqual, bool DurationsEqual, IReadOnlyList<string> Discrepancies,
    IReadOnlyList<ParticipationEquality> Participations, IReadOnlyList<AcceptedShortfall> AcceptedShortfalls);

/// <summary>How far a plan leaves a team below the entitlement, in equivalent GPU-hours (and milli-EGH-seconds, exact).</summary>
public sealed record TeamShortfall(string Team, long ShortMilliEghSeconds, decimal ShortEquivalentGpuHours);

/// <summary>A plan committed with <c>acceptShortfall</c>: when, by whom, why, and what each team was left short of.</summary>
public sealed record AcceptedShortfall(string Plan, Instant CommittedAt, string Reason, IReadOnlyList<TeamShortfall> Teams);
