using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Infrastructure.Limits;

/// <summary>
/// Request size limits, request timeouts and per-key rate limiting. Refusals are problem details: 413 for a body too
/// large, 504 for a request that ran out of time, 429 with <c>Retry-After</c> for a key over its rate.
/// </summary>
public static class LimitsSetup
{
    /// <summary>Marks endpoints that take scheduler uploads (sacct text, DCGM scrapes): they may be larger.</summary>
    public sealed class UploadMetadata
    {
        public static readonly UploadMetadata Instance = new();
    }

    public static void AddLimits(this WebApplicationBuilder builder, LimitsSettings limits)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(limits);
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes);
        builder.Services.AddRequestTimeouts(options => options.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(limits.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            WriteTimeoutResponse = context => WriteProblemAsync(context, StatusCodes.Status504GatewayTimeout, "timeout", "The request took too long.",
                $"Requests are stopped after {limits.RequestTimeoutSeconds} seconds; nothing was changed. Ask for less (a shorter range, a smaller batch) or retry later."),
        });
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition(context, limits));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(limits.WindowSeconds);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests.",
                    $"This key may make {limits.Burst} requests at once and {limits.Requests} more every {limits.WindowSeconds} second(s); retry after {seconds} second(s).");
            };
        });
    }

    /// <summary>Before authentication, so that the time limit covers it too (it reads and may write the key's row).</summary>
    public static void UseTimeLimits(this WebApplication app) => app.UseRequestTimeouts();

    /// <summary>After authentication (the rate is per key) and before the endpoints.</summary>
    public static void UseLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.Services.GetRequiredService<LimitsSettings>();
        app.Use((context, next) =>
        {
            // Scheduler uploads may be larger than other bodies; everything else keeps the server's limit.
            if (context.GetEndpoint()?.Metadata.GetMetadata<UploadMetadata>() is not null
                && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limits.MaxUploadBytes;
            }

            return next(context);
        });
        app.UseRateLimiter();
    }

    /// <summary>One token bucket per API key (by its public id); requests without a valid key share one per client address.</summary>
    private static RateLimitPartition<string> RateLimitPartition(HttpContext context, LimitsSettings limits)
    {
        if (!limits.RateLimitEnabled || context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
        {
            return System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("unlimited");
        }

        var key = context.User.Identity?.IsAuthenticated == true
            ? "key:" + context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
            : "address:" + context.Connection.RemoteIpAddress;
        return System.Threading.RateLimiting.RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.Requests,
            ReplenishmentPeriod = TimeSpan.FromSeconds(limits.WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Type = Problems.TypePrefix + type, Title = title, Detail = detail },
        }).AsTask();
    }
}
