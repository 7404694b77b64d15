using System.Text.Json;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Json;
using NodaTime;

namespace NationalAiEval.Api.Audit;

/// <summary>
/// Records who changed what, with the state before and after, inside the same transaction as the change: an audit
/// entry exists exactly when its change committed. Secrets never reach it (callers pass public views).
/// </summary>
public sealed class AuditLog(IClock clock)
{
    private static readonly Sql Insert = Sql.Portable("""
        INSERT INTO audit_entry (at_unix, key_id, key_name, action, entity, entity_id, before_json, after_json)
        VALUES (@AtUnix, @KeyId, @KeyName, @Action, @Entity, @EntityId, @BeforeJson, @AfterJson)
        """);

    public Task WriteAsync(
        DbSession session, Caller caller, string action, string entity, string entityId, object? before, object? after,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(caller);
        return session.ExecuteAsync(Insert, new
        {
            AtUnix = Unix.Seconds(clock.GetCurrentInstant()),
            caller.KeyId,
            caller.KeyName,
            Action = action,
            Entity = entity,
            EntityId = entityId,
            BeforeJson = before is null ? null : JsonSerializer.Serialize(before, JsonSetup.Options),
            AfterJson = after is null ? null : JsonSerializer.Serialize(after, JsonSetup.Options),
        }, cancellationToken);
    }
}
