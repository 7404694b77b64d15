using System.Globalization;
using System.Reflection;
using System.Security.Claims;

namespace NationalAiEval.Api.Auth;

/// <summary>
/// Who is calling, read from the authenticated key. Endpoints take it as a parameter and ask it what the key may
/// see; a team key asking for another team's data gets 404, as if it did not exist (api-docs/DEFINITIONS.md#isolation).
/// </summary>
public sealed record Caller(string KeyId, string KeyName, Role Role, long? TeamId, IReadOnlySet<long> PoolIds)
{
    public const string TeamIdClaim = "nae:team_id";
    public const string PoolIdClaim = "nae:pool_id";

    /// <summary>Present when the request was made with a key's previous secret, during the grace period after a rotation.</summary>
    public const string RetiredSecretClaim = "nae:retired_secret";

    /// <summary>Managers and finance read the whole programme.</summary>
    public bool ReadsEverything => Role is Role.Manager or Role.Finance;

    public bool MaySeeTeam(long teamId) => ReadsEverything || (Role == Role.Team && TeamId == teamId);

    public bool MaySeePool(long poolId) => ReadsEverything || (Role == Role.Provider && PoolIds.Contains(poolId));

    public static Caller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var role = Enum.Parse<Role>(user.FindFirstValue(ClaimTypes.Role) ?? throw new InvalidOperationException("No role claim."), ignoreCase: true);
        var team = user.FindFirstValue(TeamIdClaim);
        var pools = user.FindAll(PoolIdClaim).Select(c => long.Parse(c.Value, CultureInfo.InvariantCulture)).ToHashSet();
        return new Caller(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty,
            user.FindFirstValue(ClaimTypes.Name) ?? string.Empty,
            role,
            team is null ? null : long.Parse(team, CultureInfo.InvariantCulture),
            pools);
    }

    /// <summary>Minimal-API binding: every endpoint behind authorization can take a <see cref="Caller"/> parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult<Caller?>(From(context.User));
    }

    /// <summary>The identity written in audit entries and ledger postings made by people through the API.</summary>
    public static Caller System(string name) => new("system", name, Role.Manager, null, new HashSet<long>());
}
