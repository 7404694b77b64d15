using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Ledger;
using NodaTime;

namespace NationalAiEval.Api.Ledger;

/// <summary>
/// Appends ledger entries inside the caller's transaction. An entry whose source was already posted is skipped,
/// so re-running whatever posted it never counts twice (api-docs/DEFINITIONS.md#ledger). Entries are never updated or deleted.
/// </summary>
public sealed class LedgerWriter(IClock clock)
{
    private static readonly Sql InsertIfNew = Sql.Portable("""
        INSERT INTO ledger_entry (participation_id, resource, kind, amount, source, reason, posted_unix, posted_by_key)
        SELECT @ParticipationId, @Resource, @Kind, @Amount, @Source, @Reason, @PostedUnix, @PostedByKey
        WHERE NOT EXISTS (SELECT 1 FROM ledger_entry WHERE source = @Source)
        """);

    /// <summary>The number of entries actually written (postings already present are not).</summary>
    public async Task<int> PostAsync(
        DbSession session, long participationId, IEnumerable<LedgerPosting> postings, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(postings);
        ArgumentNullException.ThrowIfNull(caller);
        var now = Unix.Seconds(clock.GetCurrentInstant());
        var written = 0;
        foreach (var posting in postings)
        {
            written += await session.ExecuteAsync(InsertIfNew, new
            {
                ParticipationId = participationId,
                Resource = LedgerNames.Of(posting.Resource),
                Kind = LedgerNames.Of(posting.Kind),
                posting.Amount,
                posting.Source,
                posting.Reason,
                PostedUnix = now,
                PostedByKey = caller.KeyId,
            }, cancellationToken);
        }

        return written;
    }
}

/// <summary>The names stored in ledger_entry.resource and ledger_entry.kind.</summary>
public static class LedgerNames
{
    public static string Of(LedgerResource resource) => resource.ToString().ToLowerInvariant();

    public static string Of(LedgerKind kind) => kind.ToString().ToLowerInvariant();
}
