using System.Text.Json;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Audit;

/// <summary>Reads the audit log for managers, oldest first, filtered. Nothing in the API changes or deletes an entry.</summary>
public sealed class AuditReader(Db db)
{
    private static readonly Sql ListPage = Sql.FirstRows(
        "id, at_unix, key_id, key_name, action, entity, entity_id, before_json, after_json",
        """
        FROM audit_entry
        WHERE id > @After AND (@Entity IS NULL OR entity = @Entity) AND (@EntityId IS NULL OR entity_id = @EntityId)
          AND (@Action IS NULL OR action = @Action) AND (@KeyId IS NULL OR key_id = @KeyId)
          AND (@FromUnix IS NULL OR at_unix >= @FromUnix) AND (@ToUnix IS NULL OR at_unix < @ToUnix)
        ORDER BY id
        """);

    public async Task<Page<AuditEntryView>> ListAsync(AuditQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var session = await db.ReadAsync(cancellationToken);
        var rows = (await session.QueryAsync<AuditRow>(ListPage, new
        {
            page.After,
            page.Take,
            query.Entity,
            query.EntityId,
            query.Action,
            KeyId = query.Key,
            query.Range.FromUnix,
            query.Range.ToUnix,
        }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, r => new AuditEntryView(
            r.Id, Unix.Instant(r.AtUnix), r.KeyId, r.KeyName, r.Action, r.Entity, r.EntityId, Parse(r.BeforeJson), Parse(r.AfterJson)));
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private sealed class AuditRow
    {
        public long Id { get; init; }
        public long AtUnix { get; init; }
        public string? KeyId { get; init; }
        public string? KeyName { get; init; }
        public string Action { get; init; } = string.Empty;
        public string Entity { get; init; } = string.Empty;
        public string EntityId { get; init; } = string.Empty;
        public string? BeforeJson { get; init; }
        public string? AfterJson { get; init; }
    }
}
