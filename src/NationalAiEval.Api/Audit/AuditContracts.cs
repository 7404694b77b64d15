using System.Text.Json;
using NodaTime;

namespace NationalAiEval.Api.Audit;

/// <summary>
/// One change: when, by which key (id and name), the action (<c>allocation.create</c>, <c>period.close</c>...), the
/// entity and its id, and the entity before and after (null for a creation or a deletion).
/// </summary>
public sealed record AuditEntryView(
    long Id, Instant At, string? KeyId, string? KeyName, string Action, string Entity, string EntityId, JsonElement? Before, JsonElement? After);
