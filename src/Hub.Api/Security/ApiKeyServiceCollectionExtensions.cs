using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Registers the API key store and authenticator that <see cref="ApiKeyMiddleware"/> uses, and the per-key and
/// header limits.
/// </summary>
public static class ApiKeyServiceCollectionExtensions
{
    public static IServiceCollection AddHubApiKeys(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<InboundSenderLimit>();
        services.AddOptions<ApiLimitOptions>().BindConfiguration(ApiLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiLimitOptions>, ApiLimitOptionsValidator>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiLimitOptions>>(
            (options, limits) => ApiKeyRateLimits.Configure(options, limits.Value));
        return services;
    }
}
