using System.Collections.Concurrent;
using System.Diagnostics;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Codes;
using NodaTime;

namespace NationalAiEval.Api.Keys;

/// <summary>Issues, lists, finds and revokes API keys. Used by the HTTP endpoints and by the <c>keys create</c> verb.</summary>
public sealed class ApiKeys(Db db, IClock clock, AuditLog audit)
{
    /// <summary>last_used is refreshed at most this often, so that reads do not each become a write.</summary>
    private static readonly Duration TouchInterval = Duration.FromMinutes(1);

    /// <summary>How long a rotated-out secret keeps working unless the rotation says otherwise, and at most.</summary>
    public static readonly Duration DefaultGrace = Duration.FromHours(24);

    public static readonly Duration MaxGrace = Duration.FromDays(7);

    /// <summary>
    /// How long a key read for authentication is reused. A revocation or rotation through this instance ends every
    /// reuse at once (<see cref="_keysVersion"/>); on other instances sharing the database it is seen within this time.
    /// </summary>
    public static readonly TimeSpan AuthenticationReuse = TimeSpan.FromSeconds(1);

    private const int MaxReusedKeys = 100_000;

    private readonly ConcurrentDictionary<string, ReusedKey> _reused = new(StringComparer.Ordinal);
    private long _keysVersion;

    private static readonly Sql InsertKey = Sql.InsertReturningId(
        "api_key",
        "key_id, name, role, team_id, secret_hash, created_unix, created_by_key",
        "@KeyId, @Name, @Role, @TeamId, @SecretHash, @CreatedUnix, @CreatedByKey");

    private static readonly Sql InsertKeyPool = Sql.Portable("INSERT INTO api_key_pool (api_key_id, pool_id) VALUES (@KeyRowId, @PoolId)");

    private static readonly Sql TeamIdByCode = Sql.Portable("SELECT id FROM team WHERE code = @Code");

    private static readonly Sql PoolIdByCode = Sql.Portable("SELECT id FROM pool WHERE code = @Code");

    private static readonly Sql FindByKeyId = Sql.Portable("""
        SELECT k.id, k.key_id, k.name, k.role, k.team_id, t.code AS team_code, k.secret_hash, k.previous_secret_hash,
               k.previous_valid_until_unix, k.rotated_unix, k.created_unix, k.revoked_unix, k.last_used_unix
        FROM api_key k LEFT JOIN team t ON t.id = k.team_id
        WHERE k.key_id = @KeyId
        """);

    private static readonly Sql PoolsOfKey = Sql.Portable("""
        SELECT kp.pool_id, p.code AS pool_code FROM api_key_pool kp JOIN pool p ON p.id = kp.pool_id
        WHERE kp.api_key_id = @KeyRowId ORDER BY p.code
        """);

    private static readonly Sql ListPage = Sql.FirstRows(
        "k.id, k.key_id, k.name, k.role, k.team_id, t.code AS team_code, k.secret_hash, k.previous_valid_until_unix, k.rotated_unix, k.created_unix, k.revoked_unix, k.last_used_unix",
        "FROM api_key k LEFT JOIN team t ON t.id = k.team_id WHERE k.id > @After ORDER BY k.id");

    private static readonly Sql PoolsOfKeyRange = Sql.Portable("""
        SELECT kp.api_key_id, kp.pool_id, p.code AS pool_code FROM api_key_pool kp JOIN pool p ON p.id = kp.pool_id
        WHERE kp.api_key_id > @After AND kp.api_key_id <= @Last ORDER BY p.code
        """);

    private static readonly Sql Revoke = Sql.Portable("UPDATE api_key SET revoked_unix = @Now WHERE id = @Id AND revoked_unix IS NULL");

    private static readonly Sql Rotate = Sql.Portable("""
        UPDATE api_key SET previous_secret_hash = secret_hash, previous_valid_until_unix = @ValidUntil, secret_hash = @SecretHash, rotated_unix = @Now
        WHERE id = @Id AND revoked_unix IS NULL
        """);

    private static readonly Sql Touch = Sql.Portable("""
        UPDATE api_key SET last_used_unix = @Now WHERE id = @Id AND (last_used_unix IS NULL OR last_used_unix < @Threshold)
        """);

    public async Task<CreatedKey> CreateAsync(CreateKeyRequest request, Caller creator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var name = v.Text(request.Name, "name");
        var role = v.Enum(request.Role, "role");
        var poolCodes = request.Pools ?? [];
        if (role == Role.Team && request.Team is null)
        {
            v.Add("team", "is required for a team key.");
        }

        if (role != Role.Team && request.Team is not null)
        {
            v.Add("team", "only team keys are bound to a team.");
        }

        if (role == Role.Provider && poolCodes.Count == 0)
        {
            v.Add("pools", "a provider key needs at least one pool.");
        }

        if (role != Role.Provider && poolCodes.Count > 0)
        {
            v.Add("pools", "only provider keys are bound to pools.");
        }

        for (var i = 0; i < poolCodes.Count; i++)
        {
            v.Code(poolCodes[i], $"pools[{i}]");
        }

        if (request.Team is not null)
        {
            v.Code(request.Team, "team");
        }

        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        long? teamId = null;
        if (request.Team is not null)
        {
            teamId = await session.QuerySingleOrDefaultAsync<long?>(TeamIdByCode, new { Code = request.Team }, cancellationToken)
                ?? throw Problems.Unprocessable("unknown-team", "Unknown team.", $"There is no team '{request.Team}'.", "team");
        }

        var poolIds = new List<long>();
        for (var i = 0; i < poolCodes.Count; i++)
        {
            var poolId = await session.QuerySingleOrDefaultAsync<long?>(PoolIdByCode, new { Code = poolCodes[i] }, cancellationToken)
                ?? throw Problems.Unprocessable("unknown-pool", "Unknown pool.", $"There is no pool '{poolCodes[i]}'.", $"pools[{i}]");
            poolIds.Add(poolId);
        }

        var (keyId, secret) = ApiKeySecret.Generate();
        var now = Unix.Now(clock);
        var rowId = await session.QuerySingleAsync<long>(InsertKey, new
        {
            KeyId = keyId,
            Name = name,
            Role = role.ToString().ToLowerInvariant(),
            TeamId = teamId,
            SecretHash = ApiKeySecret.Hash(secret),
            CreatedUnix = Unix.Seconds(now),
            CreatedByKey = creator.KeyId,
        }, cancellationToken);
        foreach (var poolId in poolIds.Distinct())
        {
            await session.ExecuteAsync(InsertKeyPool, new { KeyRowId = rowId, PoolId = poolId }, cancellationToken);
        }

        var view = new KeyView(keyId, name, role, request.Team, poolCodes.Distinct().Order(StringComparer.Ordinal).ToList(), now, null, null, null, null);
        await audit.WriteAsync(session, creator, "key.create", "api_key", keyId, null, view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return new CreatedKey(view, secret);
    }

    /// <summary>The key a secret names, with what authentication needs; null when there is no such key.</summary>
    public async Task<AuthenticatedKey?> FindForAuthenticationAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var version = Interlocked.Read(ref _keysVersion);
        if (_reused.TryGetValue(keyId, out var reused) && reused.Version == version && Stopwatch.GetElapsedTime(reused.ReadAt) < AuthenticationReuse)
        {
            return reused.Key;
        }

        await using var session = await db.ReadAsync(cancellationToken);
        var row = await session.QuerySingleOrDefaultAsync<KeyRow>(FindByKeyId, new { KeyId = keyId }, cancellationToken);
        if (row is null)
        {
            return null; // unknown ids are not remembered: guessing them must not fill memory
        }

        var pools = await session.QueryAsync<KeyPoolRow>(PoolsOfKey, new { KeyRowId = row.Id }, cancellationToken);
        var key = new AuthenticatedKey(row.Id, row.KeyId, row.Name, ParseRole(row.Role), row.TeamId, row.SecretHash, row.RevokedUnix is not null,
            row.LastUsedUnix, pools.Select(p => p.PoolId).ToHashSet(), row.PreviousSecretHash, row.PreviousValidUntilUnix);
        Remember(key, version);
        return key;
    }

    public async Task TouchAsync(AuthenticatedKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = Unix.Now(clock);
        var threshold = Unix.Seconds(now - TouchInterval);
        if (key.LastUsedUnix is { } last && last >= threshold)
        {
            return;
        }

        await using var session = await db.WriteAsync(cancellationToken);
        await session.ExecuteAsync(Touch, new { Now = Unix.Seconds(now), Threshold = threshold, key.Id }, cancellationToken);

        // Bookkeeping only: no figure any cache derives depends on when a key was last used.
        await session.CommitBookkeepingAsync(cancellationToken);
        if (_reused.TryGetValue(key.KeyId, out var reused) && reused.Key.Id == key.Id)
        {
            _reused.TryUpdate(key.KeyId, reused with { Key = reused.Key with { LastUsedUnix = Unix.Seconds(now) } }, reused);
        }
    }

    private void Remember(AuthenticatedKey key, long version)
    {
        if (_reused.Count >= MaxReusedKeys)
        {
            _reused.Clear();
        }

        _reused[key.KeyId] = new ReusedKey(key, version, Stopwatch.GetTimestamp());
    }

    /// <summary>After a key changes (revoked, rotated): nothing read before may be reused.</summary>
    private void Forget() => Interlocked.Increment(ref _keysVersion);

    private sealed record ReusedKey(AuthenticatedKey Key, long Version, long ReadAt);

    public async Task<Page<KeyView>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var rows = (await session.QueryAsync<KeyRow>(ListPage, new { page.After, page.Take }, cancellationToken)).ToList();
        var last = rows.Take(page.Limit).Select(r => r.Id).DefaultIfEmpty(page.After).Max();
        var pools = (await session.QueryAsync<KeyPoolRow>(PoolsOfKeyRange, new { page.After, Last = last }, cancellationToken))
            .ToLookup(p => p.ApiKeyId, p => p.PoolCode);
        return page.Cut(rows, r => r.Id, r => ToView(r, pools[r.Id].ToList()));
    }

    public async Task<KeyView> GetAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var row = await session.QuerySingleOrDefaultAsync<KeyRow>(FindByKeyId, new { KeyId = keyId }, cancellationToken)
            ?? throw Problems.NotFound("key", keyId);
        var pools = await session.QueryAsync<KeyPoolRow>(PoolsOfKey, new { KeyRowId = row.Id }, cancellationToken);
        return ToView(row, pools.Select(p => p.PoolCode).ToList());
    }

    /// <summary>Revocation takes effect at once on this instance (nothing read before is reused), within a second on others.</summary>
    public async Task<KeyView> RevokeAsync(string keyId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var session = await db.WriteAsync(cancellationToken);
        var row = await session.QuerySingleOrDefaultAsync<KeyRow>(FindByKeyId, new { KeyId = keyId }, cancellationToken)
            ?? throw Problems.NotFound("key", keyId);
        var pools = (await session.QueryAsync<KeyPoolRow>(PoolsOfKey, new { KeyRowId = row.Id }, cancellationToken)).Select(p => p.PoolCode).ToList();
        var before = ToView(row, pools);
        var now = Unix.Now(clock);
        await session.ExecuteAsync(Revoke, new { Now = Unix.Seconds(now), row.Id }, cancellationToken);
        var after = before with { RevokedAt = before.RevokedAt ?? now };
        await audit.WriteAsync(session, caller, "key.revoke", "api_key", keyId, before, after, cancellationToken);
        await session.CommitAsync(cancellationToken);
        Forget();
        return after;
    }

    /// <summary>
    /// A new secret for the same key (same id, role, team and pools). The old secret keeps working for
    /// the request's grace period, so that automation can switch without an outage; a manager may rotate any key, any
    /// key itself. A second rotation within the grace period ends the first one's: only one previous secret is kept.
    /// </summary>
    public async Task<CreatedKey> RotateAsync(string keyId, RotateKeyRequest request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var v = new Validator();
        var graceMinutes = request.GraceMinutes is null ? DefaultGrace.TotalMinutes : v.Range(request.GraceMinutes, "graceMinutes", 0, (long)MaxGrace.TotalMinutes);
        v.ThrowIfInvalid();
        if (caller.Role != Role.Manager && caller.KeyId != keyId)
        {
            throw Problems.NotFound("key", keyId);
        }

        await using var session = await db.WriteAsync(cancellationToken);
        var row = await session.QuerySingleOrDefaultAsync<KeyRow>(FindByKeyId, new { KeyId = keyId }, cancellationToken)
            ?? throw Problems.NotFound("key", keyId);
        if (row.RevokedUnix is not null)
        {
            throw Problems.Conflict("key-revoked", "The key is revoked.", $"Key {keyId} was revoked; create a new key instead.");
        }

        var pools = (await session.QueryAsync<KeyPoolRow>(PoolsOfKey, new { KeyRowId = row.Id }, cancellationToken)).Select(p => p.PoolCode).ToList();
        var secret = ApiKeySecret.GenerateFor(keyId);
        var now = Unix.Now(clock);
        var validUntil = now + Duration.FromMinutes((long)graceMinutes);
        await session.ExecuteAsync(Rotate, new
        {
            ValidUntil = Unix.Seconds(validUntil),
            SecretHash = ApiKeySecret.Hash(secret),
            Now = Unix.Seconds(now),
            row.Id,
        }, cancellationToken);
        var view = ToView(row, pools) with { RotatedAt = now, PreviousSecretValidUntil = validUntil };
        await audit.WriteAsync(session, caller, "key.rotate", "api_key", keyId, ToView(row, pools), view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        Forget();
        return new CreatedKey(view, secret);
    }

    private static Role ParseRole(string role) => Enum.Parse<Role>(role, ignoreCase: true);

    private static KeyView ToView(KeyRow row, IReadOnlyList<string> pools) => new(
        row.KeyId, row.Name, ParseRole(row.Role), row.TeamCode, pools, Unix.Instant(row.CreatedUnix),
        row.RevokedUnix is { } revoked ? Unix.Instant(revoked) : null,
        row.LastUsedUnix is { } used ? Unix.Instant(used) : null,
        row.RotatedUnix is { } rotated ? Unix.Instant(rotated) : null,
        row.PreviousValidUntilUnix is { } until ? Unix.Instant(until) : null);

    private sealed class KeyRow
    {
        public long Id { get; init; }
        public string KeyId { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
        public string Role { get; init; } = string.Empty;
        public long? TeamId { get; init; }
        public string? TeamCode { get; init; }
        public byte[] SecretHash { get; init; } = [];
        public byte[]? PreviousSecretHash { get; init; }
        public long? PreviousValidUntilUnix { get; init; }
        public long? RotatedUnix { get; init; }
        public long CreatedUnix { get; init; }
        public long? RevokedUnix { get; init; }
        public long? LastUsedUnix { get; init; }
    }

    private sealed class KeyPoolRow
    {
        public long ApiKeyId { get; init; }
        public long PoolId { get; init; }
        public string PoolCode { get; init; } = string.Empty;
    }
}

/// <summary>What authentication reads about a key.</summary>
public sealed record AuthenticatedKey(
    long Id, string KeyId, string Name, Role Role, long? TeamId, byte[] SecretHash, bool Revoked, long? LastUsedUnix, IReadOnlySet<long> PoolIds,
    byte[]? PreviousSecretHash = null, long? PreviousValidUntilUnix = null);
