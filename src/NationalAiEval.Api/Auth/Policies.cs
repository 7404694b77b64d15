using Microsoft.AspNetCore.Authorization;

namespace NationalAiEval.Api.Auth;

/// <summary>
/// Role policies, one per kind of endpoint. Team and pool isolation inside a policy is checked by the endpoint
/// through <see cref="Caller"/>, because it depends on the resource asked for.
/// </summary>
public static class Policies
{
    /// <summary>The one authentication scheme: an API key (the handler is the keys feature's).</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>Changes to the programme: pools, leases, stages, teams, allocations, keys.</summary>
    public const string Manager = "manager";

    /// <summary>Programme-wide reads: equality proof, all teams.</summary>
    public const string ManagerOrFinance = "manager-or-finance";

    /// <summary>Reads a team may make about itself: stages, participations, allocations, quota, ledger.</summary>
    public const string TeamReader = "team-reader";

    /// <summary>Pool reads: a provider sees the pools its key is bound to.</summary>
    public const string PoolReader = "pool-reader";

    /// <summary>Allocations are what providers configure on their clusters, so providers read them too.</summary>
    public const string AllocationReader = "allocation-reader";

    /// <summary>Usage reports: a provider for the pools its key is bound to, or a manager.</summary>
    public const string UsageWriter = "usage-writer";

    /// <summary>Any valid key.</summary>
    public const string AnyKey = "any-key";

    /// <summary>
    /// Key management (create, list, read, revoke, and rotating any key): a manager key, with its current secret. A secret
    /// that was rotated out keeps working on data during its grace period, but may not manage keys: rotation exists to
    /// retire a leaked secret, and the holder of the old one must not be able to take the key back.
    /// </summary>
    public const string KeyAdmin = "key-admin";

    /// <summary>Rotating the calling key itself: any key, with its current secret (see <see cref="KeyAdmin"/>).</summary>
    public const string KeySelf = "key-self";

    public static void Register(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Add(options, Manager, Role.Manager);
        Add(options, ManagerOrFinance, Role.Manager, Role.Finance);
        Add(options, TeamReader, Role.Manager, Role.Finance, Role.Team);
        Add(options, PoolReader, Role.Manager, Role.Finance, Role.Provider);
        Add(options, AllocationReader, Role.Manager, Role.Finance, Role.Team, Role.Provider);
        Add(options, UsageWriter, Role.Manager, Role.Provider);
        Add(options, AnyKey, Role.Manager, Role.Finance, Role.Team, Role.Provider);
        Add(options, KeyAdmin, currentSecretOnly: true, Role.Manager);
        Add(options, KeySelf, currentSecretOnly: true, Role.Manager, Role.Finance, Role.Team, Role.Provider);
    }

    private static void Add(AuthorizationOptions options, string name, params Role[] roles) => Add(options, name, currentSecretOnly: false, roles);

    private static void Add(AuthorizationOptions options, string name, bool currentSecretOnly, params Role[] roles) =>
        options.AddPolicy(name, policy =>
        {
            policy.AddAuthenticationSchemes(ApiKeyScheme)
                .RequireAuthenticatedUser()
                .RequireRole(roles.Select(r => r.ToString().ToLowerInvariant()));
            if (currentSecretOnly)
            {
                policy.RequireAssertion(context => !context.User.HasClaim(Caller.RetiredSecretClaim, "true"));
            }
        });
}
