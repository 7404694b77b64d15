using NationalAiEval.Api.Auth;
using NodaTime;

namespace NationalAiEval.Api.Keys;

/// <summary>A new key: a team key is bound to one team, a provider key to one or more pools.</summary>
public sealed record CreateKeyRequest(string? Name, Role? Role, string? Team, IReadOnlyList<string>? Pools);

/// <summary>
/// A key as listed: never its secret. After a rotation, <see cref="PreviousSecretValidUntil"/> says until when the
/// secret it replaced still works.
/// </summary>
public sealed record KeyView(
    string Id, string Name, Role Role, string? Team, IReadOnlyList<string> Pools, Instant CreatedAt, Instant? RevokedAt, Instant? LastUsedAt,
    Instant? RotatedAt, Instant? PreviousSecretValidUntil);

/// <summary>A rotation: how many minutes the replaced secret keeps working (default 1,440, at most 10,080; 0 ends it at once).</summary>
public sealed record RotateKeyRequest(long? GraceMinutes);

/// <summary>The answer to creating a key: the only time the secret is shown.</summary>
public sealed record CreatedKey(KeyView Key, string Secret);
