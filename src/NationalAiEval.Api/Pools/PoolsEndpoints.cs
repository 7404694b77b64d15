using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Pools;

public static class PoolsEndpoints
{
    public static void MapPools(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/pools").WithTags("Pools");

        group.MapPost("/", async Task<Created<PoolDetail>> (CreatePoolRequest request, Caller caller, PoolStore pools, HttpResponse response, CancellationToken ct) =>
            {
                var pool = await pools.CreateAsync(request, caller, ct);
                ETags.Set(response, 1);
                return TypedResults.Created($"/api/v1/pools/{pool.Code}", pool);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("CreatePool").WithSummary("Register a GPU pool (a cluster of one GPU model at one provider).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/", async Task<Ok<Page<PoolView>>> (string? limit, string? after, Caller caller, PoolStore pools, CancellationToken ct) =>
                TypedResults.Ok(await pools.ListAsync(caller, PageRequest.Parse(limit, after), ct)))
            .RequireAuthorization(Policies.PoolReader)
            .WithName("ListPools").WithSummary("List pools; a provider key sees only its own pools.");

        group.MapGet("/{pool}", async Task<Ok<PoolDetail>> (string pool, Caller caller, PoolStore pools, HttpResponse response, CancellationToken ct) =>
            {
                var (detail, version) = await pools.GetAsync(pool, caller, ct);
                ETags.Set(response, version);
                return TypedResults.Ok(detail);
            })
            .RequireAuthorization(Policies.PoolReader)
            .WithName("GetPool").WithSummary("One pool with its lease lines and scheduler accounts; the ETag covers both.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{pool}", async Task<Ok<PoolDetail>> (string pool, UpdatePoolRequest request, Caller caller, PoolStore pools, HttpRequest http, HttpResponse response, CancellationToken ct) =>
            {
                var (detail, version) = await pools.UpdateAsync(pool, request, IfMatch.Read(http), caller, ct);
                ETags.Set(response, version);
                return TypedResults.Ok(detail);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("UpdatePool").WithSummary("Rename a pool, change its provider or node size, or the terms on which its provider would lease more (newLeases: open, krwPerGpuHour, minimumLength); needs If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapPost("/{pool}/leases", async Task<Created<LeaseView>> (string pool, CreateLeaseRequest request, Caller caller, PoolStore pools, CancellationToken ct) =>
            {
                var lease = await pools.AddLeaseAsync(pool, request, caller, ct);
                return TypedResults.Created($"/api/v1/pools/{pool}", lease);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("AddLease").WithSummary("Add a lease line: GPUs from start to end at a price per GPU-hour in KRW.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{pool}/capacity", async Task<Ok<CapacityView>> (string pool, string? from, string? to, Caller caller, PoolStore pools, CancellationToken ct) =>
                TypedResults.Ok(await pools.CapacityAsync(pool, QueryRange.Parse(from, to, ordered: true), caller, ct)))
            .RequireAuthorization(Policies.PoolReader)
            .WithName("GetPoolCapacity").WithSummary("Leased, allocated and free GPUs over time, as segments where nothing changes.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{pool}/accounts/{account}", async Task<Results<Created<AccountView>, Ok<AccountView>>> (
                string pool, string account, MapAccountRequest request, Caller caller, PoolStore pools, CancellationToken ct) =>
            {
                var (view, created) = await pools.MapAccountAsync(pool, account, request, caller, ct);
                return created ? TypedResults.Created($"/api/v1/pools/{pool}", view) : TypedResults.Ok(view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("MapSchedulerAccount").WithSummary("Map a Slurm or Kubernetes account on this pool to a team.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
