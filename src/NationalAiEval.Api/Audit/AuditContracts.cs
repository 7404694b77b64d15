using System.Text.Json;
using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Audit;

/// <summary>
/// One change: when, by which key (id and name), the action (<c>allocation.create</c>, <c>period.close</c>...), the
/// entity and its id, and the entity before and after (null for a creation or a deletion).
/// </summary>
public sealed record AuditEntryView(
    long Id, Instant At, string? KeyId, string? KeyName, string Action, string Entity, string EntityId, JsonElement? Before, JsonElement? After);

/// <summary>The audit log's filters as its endpoint read them.</summary>
public sealed record AuditQuery(string? Entity, string? EntityId, string? Action, string? Key, QueryRange Range)
{
    public static AuditQuery Parse(string? entity, string? entityId, string? action, string? key, string? from, string? to)
    {
        var v = new Validator();
        var range = QueryRange.Read(v, from, to);
        foreach (var (value, field) in new[] { (entity, "entity"), (entityId, "entityId"), (action, "action"), (key, "key") })
        {
            if (value is { Length: > 200 })
            {
                v.Add(field, "must be at most 200 characters.");
            }
        }

        v.ThrowIfInvalid();
        return new AuditQuery(entity, entityId, action, key, range);
    }
}
