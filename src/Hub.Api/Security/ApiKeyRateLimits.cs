using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Builds the per-key limiters: a token bucket for the request rate, chained with a cap on concurrent requests.
/// Both are partitioned by the key id that <see cref="ApiKeyMiddleware"/> stored, so they run after it; public
/// routes and rejected requests carry no key and are not limited.
/// </summary>
public static class ApiKeyRateLimits
{
    public static void Configure(RateLimiterOptions options, ApiLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context => RatePartition(context, limits)),
            PartitionedRateLimiter.Create<HttpContext, string>(context => ConcurrencyPartition(context, limits)));
        options.OnRejected = (rejected, cancellationToken) => WriteRejectedAsync(rejected, limits);
    }

    private static RateLimitPartition<string> RatePartition(HttpContext context, ApiLimitOptions limits) =>
        ApiCaller.Of(context) is { } caller
            ? RateLimitPartition.GetTokenBucketLimiter(caller.KeyId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.BurstRequests,
                TokensPerPeriod = limits.RequestsPerPeriod,
                ReplenishmentPeriod = limits.RefillPeriod,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter("");

    private static RateLimitPartition<string> ConcurrencyPartition(HttpContext context, ApiLimitOptions limits) =>
        ApiCaller.Of(context) is { } caller
            ? RateLimitPartition.GetConcurrencyLimiter(caller.KeyId, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = limits.ConcurrentRequests,
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("");

    // Only the token bucket reports a retry time, so a lease without one was refused by the concurrency cap.
    private static async ValueTask WriteRejectedAsync(OnRejectedContext rejected, ApiLimitOptions limits)
    {
        var context = rejected.HttpContext;
        var name = ApiCaller.Of(context)?.Name ?? "unknown";
        string detail;
        TimeSpan retryAfter;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
        {
            retryAfter = wait;
            detail = $"The API key '{name}' exceeded its rate limit of {limits.RequestsPerPeriod} requests per " +
                $"{limits.RefillPeriod.TotalSeconds:0.###} s with bursts of {limits.BurstRequests} " +
                $"({ApiLimitOptions.SectionName}:{nameof(ApiLimitOptions.RequestsPerPeriod)} and " +
                $"{nameof(ApiLimitOptions.BurstRequests)}). Retry after the time in Retry-After.";
        }
        else
        {
            retryAfter = TimeSpan.FromSeconds(1);
            detail = $"The API key '{name}' already has {limits.ConcurrentRequests} requests running, its limit of " +
                $"concurrent requests ({ApiLimitOptions.SectionName}:{nameof(ApiLimitOptions.ConcurrentRequests)}). " +
                "Retry when one of them has finished.";
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", detail);
    }
}
