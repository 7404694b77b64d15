using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Keys;

public static class KeysEndpoints
{
    public static void MapKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/keys").WithTags("Keys").RequireAuthorization(Policies.KeyAdmin);

        group.MapPost("/", async Task<Created<CreatedKey>> (CreateKeyRequest request, Caller caller, ApiKeys keys, CancellationToken ct) =>
            {
                var created = await keys.CreateAsync(request, caller, ct);
                return TypedResults.Created($"/api/v1/keys/{created.Key.Id}", created);
            })
            .WithName("CreateKey").WithSummary("Create an API key; the secret is in this response and nowhere else, ever.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/", async Task<Ok<Page<KeyView>>> (string? limit, string? after, ApiKeys keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.ListAsync(PageRequest.Parse(limit, after), ct)))
            .WithName("ListKeys").WithSummary("List API keys (never their secrets).");

        group.MapGet("/{id}", async Task<Ok<KeyView>> (string id, ApiKeys keys, CancellationToken ct) => TypedResults.Ok(await keys.GetAsync(id, ct)))
            .WithName("GetKey").WithSummary("One API key.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", async Task<Ok<KeyView>> (string id, Caller caller, ApiKeys keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.RevokeAsync(id, caller, ct)))
            .WithName("RevokeKey").WithSummary("Revoke an API key, effective at once; the record stays for the audit trail.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Who am I: what a client (the dashboard, a team's automation) needs to know about the key it holds.
        app.MapGet("/api/v1/me", async Task<Ok<KeyView>> (Caller caller, ApiKeys keys, CancellationToken ct) => TypedResults.Ok(await keys.GetAsync(caller.KeyId, ct)))
            .WithTags("Keys")
            .RequireAuthorization(Policies.AnyKey)
            .WithName("GetMe")
            .WithSummary("The calling key: its id, name, role, team and pools (never its secret).");

        // Any key may rotate itself (automation renewing its own secret); managers may rotate any key. Never with a
        // secret that was rotated out (Policies.KeySelf): the holder of a retired secret cannot take the key back.
        app.MapPost("/api/v1/keys/{id}/rotation", async Task<Ok<CreatedKey>> (string id, RotateKeyRequest? request, Caller caller, ApiKeys keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.RotateAsync(id, request ?? new RotateKeyRequest(null), caller, ct)))
            .WithTags("Keys")
            .RequireAuthorization(Policies.KeySelf)
            .WithName("RotateKey")
            .WithSummary("A new secret for the key (shown once); the old one keeps working for graceMinutes (default a day), then stops. A key may rotate itself; managers any key.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
