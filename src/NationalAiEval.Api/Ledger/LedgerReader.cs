using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Core.Ledger;
using NationalAiEval.Core.Units;

namespace NationalAiEval.Api.Ledger;

/// <summary>A team's ledger entries, oldest first, optionally for one stage.</summary>
public sealed class LedgerReader(Db db)
{
    private static readonly Sql EntriesPage = Sql.FirstRows(
        "l.id, s.code AS stage, l.resource, l.kind, l.amount, l.source, l.reason, l.posted_unix",
        """
        FROM ledger_entry l JOIN participation p ON p.id = l.participation_id JOIN stage s ON s.id = p.stage_id
        WHERE p.team_id = @TeamId AND l.id > @After AND (@Stage IS NULL OR s.code = @Stage)
        ORDER BY l.id
        """);

    public async Task<Page<LedgerEntryView>> ListAsync(string teamCode, string? stage, PageRequest page, Caller caller, CancellationToken cancellationToken)
    {
        if (stage is not null)
        {
            var v = new Validator();
            v.Code(stage, "stage");
            v.ThrowIfInvalid();
        }

        await using var session = await db.ReadAsync(cancellationToken);
        var team = await TeamStore.FindVisibleAsync(session, teamCode, caller, cancellationToken);
        if (stage is not null && await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stage }, cancellationToken) is null)
        {
            throw Problems.NotFound("stage", stage);
        }

        var rows = (await session.QueryAsync<EntryRow>(EntriesPage, new { TeamId = team.Id, page.After, page.Take, Stage = stage }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, r =>
        {
            var resource = Enum.Parse<LedgerResource>(r.Resource, ignoreCase: true);
            return new LedgerEntryView(r.Id, r.Stage, resource, Enum.Parse<LedgerKind>(r.Kind, ignoreCase: true), r.Amount,
                resource == LedgerResource.Gpu ? GpuTime.ToEquivalentGpuHours(r.Amount) : null, r.Source, r.Reason, Unix.Instant(r.PostedUnix));
        });
    }

    private sealed class EntryRow
    {
        public long Id { get; init; }
        public string Stage { get; init; } = string.Empty;
        public string Resource { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public long Amount { get; init; }
        public string Source { get; init; } = string.Empty;
        public string? Reason { get; init; }
        public long PostedUnix { get; init; }
    }
}
