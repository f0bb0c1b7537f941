using System.Text.Json.Serialization;
using CrmAI.Hub.Api.Routes;
using CrmAI.Hub.Api.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CrmAI.Hub.Api;

/// <summary>
/// Registers and maps the hub's HTTP API.
/// </summary>
public static class HubApi
{
    public static IServiceCollection AddHubApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<HubExceptionHandler>();
        services.AddHubApiKeys();
        services.AddOpenApi(options => options.AddDocumentTransformer<ApiKeySecurityTransformer>());
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });

        // Binding errors reach the exception handler, which names the offending field in a ProblemDetails.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseHubApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusProblems.WriteAsync);
        app.UseDashboard();
        app.UseHubApiSecurity();
        app.MapOpenApi();

        var api = app.MapGroup("/api");
        api.MapEndpointRoutes();
        api.MapExchangeRoutes();
        api.MapInboundRoutes();
        api.MapJournalRoutes();
        api.MapStatusRoutes();
        api.MapAlertRoutes();
        api.MapNotificationRoutes();
        api.MapKeyRoutes();
        api.MapAuditRoutes();
        return app;
    }
}
