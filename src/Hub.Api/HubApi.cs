using System.Text.Json.Serialization;
using CrmAI.Hub.Api.Routes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Diagnostics;
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
        services.AddOpenApi();
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
        app.UseStatusCodePages(WriteStatusProblemAsync);
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi();

        var api = app.MapGroup("/api");
        api.MapEndpointRoutes();
        api.MapExchangeRoutes();
        api.MapInboundRoutes();
        api.MapJournalRoutes();
        api.MapStatusRoutes();
        api.MapAlertRoutes();
        api.MapNotificationRoutes();
        return app;
    }

    // Kestrel rejects an oversized body before any endpoint runs; the status page still names the fix.
    private static Task WriteStatusProblemAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        return http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? Problems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                "The request body exceeds the hub's limit; send a smaller body.")
            : Problems.WriteAsync(http, http.Response.StatusCode, ReasonPhrases.GetReasonPhrase(http.Response.StatusCode), "");
    }
}
