namespace NationalAiEval.Api.Utilisation;

/// <summary>
/// What a DCGM scrape did: GPU readings found, newly stored, already stored (a scrape sent twice counts once), how many
/// of those newly stored were attributed to a team (through <c>hpc_job</c> or <c>namespace</c>) and how many were not,
/// and samples of other metrics, ignored.
/// </summary>
public sealed record DcgmIngestionSummary(int Readings, int Inserted, int Duplicates, int Attributed, int Unattributed, int OtherSamples);
