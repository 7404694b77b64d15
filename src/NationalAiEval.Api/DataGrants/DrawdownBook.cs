using System.Globalization;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Core.Allocations;
using NationalAiEval.Core.Ledger;
using NodaTime;

namespace NationalAiEval.Api.DataGrants;

/// <summary>
/// Drawdowns against the data grant. Each posts a data usage entry to the ledger in the same transaction; a drawdown
/// larger than what remains is refused, and after an elimination nothing remains to draw (api-docs/DEFINITIONS.md#elimination).
/// </summary>
public sealed class DrawdownBook(Db db, IClock clock, ProgrammeSettings programme, LedgerWriter ledger, AuditLog audit)
{
    public const long MaxAmountKrw = 1_000_000_000_000_000;

    private static readonly Sql Insert = Sql.InsertReturningId(
        "data_drawdown", "participation_id, amount_krw, vendor, description, drawn_on, created_unix, created_by_key",
        "@ParticipationId, @AmountKrw, @Vendor, @Description, @DrawnOn, @CreatedUnix, @CreatedByKey");

    private static readonly Sql OfParticipation = Sql.Portable("""
        SELECT id, amount_krw, vendor, description, drawn_on, created_unix FROM data_drawdown WHERE participation_id = @ParticipationId ORDER BY id
        """);

    public async Task<DrawdownView> RecordAsync(string stageCode, string teamCode, DrawdownRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var amount = v.Range(request.AmountKrw, "amountKrw", 1, MaxAmountKrw);
        var vendor = v.Text(request.Vendor, "vendor");
        var description = v.Text(request.Description, "description", 1000);
        var drawnOn = v.Date(request.DrawnOn, "drawnOn");
        v.ThrowIfInvalid();
        var today = clock.GetCurrentInstant().InZone(programme.TimeZone).Date;
        if (drawnOn > today)
        {
            throw Problems.Unprocessable("drawdown-in-future", "A drawdown records money already drawn.",
                $"drawnOn {Dates.Text(drawnOn)} is after today ({Dates.Text(today)}).", "drawnOn");
        }

        await using var session = await db.WriteAsync(cancellationToken);
        var (stage, participation) = await ParticipationRow.FindVisibleAsync(session, stageCode, teamCode, caller, ParticipationRow.LockByStageAndTeam, cancellationToken);
        // An end takes effect at its instant: until then the team may still draw on its grant.
        if (!participation.RunsAt(Unix.Seconds(clock.GetCurrentInstant())))
        {
            throw Problems.Unprocessable("participation-ended", "The participation has ended.",
                $"Team '{teamCode}' was {participation.Status}: its undrawn data grant was cancelled.", "amountKrw");
        }

        var remaining = await session.ExecuteScalarAsync<long>(LedgerSql.Balance, new { ParticipationId = participation.Id, Resource = "data" }, cancellationToken);
        if (amount > remaining)
        {
            throw Problems.Unprocessable("beyond-data-grant", "That is more than remains of the data grant.",
                $"amountKrw {amount.ToString(CultureInfo.InvariantCulture)} exceeds the remaining grant of {remaining.ToString(CultureInfo.InvariantCulture)} KRW.", "amountKrw");
        }

        var now = Unix.Now(clock);
        var id = await session.QuerySingleAsync<long>(Insert, new
        {
            ParticipationId = participation.Id,
            AmountKrw = amount,
            Vendor = vendor,
            Description = description,
            DrawnOn = Dates.Text(drawnOn),
            CreatedUnix = Unix.Seconds(now),
            CreatedByKey = caller.KeyId,
        }, cancellationToken);
        await ledger.PostAsync(session, participation.Id,
            [new LedgerPosting(LedgerResource.Data, LedgerKind.Usage, -amount, $"drawdown:{id.ToString(CultureInfo.InvariantCulture)}", $"{vendor}: {description}")],
            caller, cancellationToken);
        var view = new DrawdownView(id, stage.Code, teamCode, amount, vendor, description, drawnOn, now);
        await audit.WriteAsync(session, caller, "drawdown.create", "data_drawdown", id.ToString(CultureInfo.InvariantCulture), null, view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return view;
    }

    public async Task<DrawdownsView> ListAsync(string stageCode, string teamCode, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var (stage, participation) = await ParticipationRow.FindVisibleAsync(session, stageCode, teamCode, caller, ParticipationRow.ByStageAndTeam, cancellationToken);
        var rows = await session.QueryAsync<DrawdownRow>(OfParticipation, new { ParticipationId = participation.Id }, cancellationToken);
        var totals = (await session.QueryAsync<LedgerTotalsRow>(LedgerSql.TotalsByParticipation, new { StageId = (long?)stage.Id, TeamId = (long?)participation.TeamId }, cancellationToken))
            .SingleOrDefault() ?? new LedgerTotalsRow();
        return new DrawdownsView(stage.Code, teamCode, totals.GrantedData, totals.DrawnData, totals.BalanceData,
            rows.Select(r => new DrawdownView(r.Id, stage.Code, teamCode, r.AmountKrw, r.Vendor, r.Description, Dates.Parse(r.DrawnOn), Unix.Instant(r.CreatedUnix))).ToList());
    }

    private sealed class DrawdownRow
    {
        public long Id { get; init; }
        public long AmountKrw { get; init; }
        public string Vendor { get; init; } = string.Empty;
        public string Description { get; init; } = string.Empty;
        public string DrawnOn { get; init; } = string.Empty;
        public long CreatedUnix { get; init; }
    }
}
