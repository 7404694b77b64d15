using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Keys;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;secret&gt;</c> against the hashed keys on every request (the key's row is
/// reused for at most a second, never after a revocation or rotation through this instance, see <see cref="ApiKeys"/>). Refusals are problem details: 401 for no or a bad key, 403 for a role that may not.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeys keys,
    NodaTime.IClock clock,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = Policies.ApiKeyScheme;

    private const string BearerPrefix = "Bearer ";

    // Hashed when the key id is unknown, so that an unknown id costs the same work as a wrong secret.
    private static readonly byte[] DecoyHash = ApiKeySecret.Hash("nae_decoy");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <API key>'.");
        }

        var secret = header[BearerPrefix.Length..].Trim();
        if (!ApiKeySecret.TryParseKeyId(secret, out var keyId))
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var key = await keys.FindForAuthenticationAsync(keyId, Context.RequestAborted);

        // Both comparisons always run, so that the time taken says nothing about which secret matched.
        var current = ApiKeySecret.Matches(secret, key?.SecretHash ?? DecoyHash);
        var previous = ApiKeySecret.Matches(secret, key?.PreviousSecretHash ?? DecoyHash)
            && key?.PreviousValidUntilUnix is { } until && until > Unix.Seconds(clock.GetCurrentInstant());
        if (key is null || !(current || previous))
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        if (key.Revoked)
        {
            return AuthenticateResult.Fail("The API key has been revoked.");
        }

        await keys.TouchAsync(key, Context.RequestAborted);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.KeyId),
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role.ToString().ToLowerInvariant()),
        };
        if (key.TeamId is { } teamId)
        {
            claims.Add(new Claim(Caller.TeamIdClaim, teamId.ToString(CultureInfo.InvariantCulture)));
        }

        claims.AddRange(key.PoolIds.Select(p => new Claim(Caller.PoolIdClaim, p.ToString(CultureInfo.InvariantCulture))));
        if (!current)
        {
            // A secret rotated out works on data during its grace period, but may not manage keys (see Policies.KeyAdmin).
            claims.Add(new Claim(Caller.RetiredSecretClaim, "true"));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteAsync(new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Type = Problems.TypePrefix + "unauthenticated",
            Title = "An API key is required.",
            Detail = failure ?? "Send 'Authorization: Bearer <API key>'.",
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(ClaimTypes.Role) ?? "unknown";
        var retired = Context.User.HasClaim(Caller.RetiredSecretClaim, "true");
        await WriteAsync(new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = Problems.TypePrefix + "forbidden",
            Title = "This key may not do that.",
            Detail = retired
                ? "This secret was rotated out: until its grace period ends it may read and report data as its key's role allows, but not rotate, revoke or manage keys. Use the key's new secret."
                : $"A {role} key is not allowed to call {Request.Method} {Request.Path}.",
        });
    }

    private async Task WriteAsync(ProblemDetails problem) =>
        await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
}
