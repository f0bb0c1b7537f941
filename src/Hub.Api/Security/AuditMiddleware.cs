using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Records every successful request to an admin route that changes something (any method but GET) in
/// <c>hub_audit</c>. The summary contains the method, path and status only, never the body, so credentials sent in
/// the request cannot reach the audit table.
/// </summary>
public sealed partial class AuditMiddleware(
    RequestDelegate next, AuditStore store, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    private static readonly string[] TargetRouteValues = ["endpointId", "keyId", "incidentId", "exchangeId"];

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        if (context.GetEndpoint() is not RouteEndpoint endpoint
            || HttpMethods.IsGet(context.Request.Method)
            || !RouteScopes.TryGetScope(endpoint, out var scope) || scope != ApiScope.Admin
            || context.Response.StatusCode >= StatusCodes.Status400BadRequest
            || ApiCaller.Of(context) is not { } caller)
        {
            return;
        }

        var entry = new AuditEntry(
            0, time.GetUtcNow(), caller.KeyId, caller.Name, ActionOf(endpoint, context.Response.StatusCode), TargetOf(context),
            $"{context.Request.Method} {context.Request.Path} returned {context.Response.StatusCode}");
        try
        {
            await store.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception error) when (error is Npgsql.NpgsqlException or TimeoutException)
        {
            LogAuditWriteFailed(logger, entry.Action, entry.Target, entry.Actor, error);
        }
    }

    private static string ActionOf(RouteEndpoint endpoint, int status)
    {
        var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? RouteScopes.KeyOf(endpoint);
        return name switch
        {
            "PutEndpoint" => status == StatusCodes.Status201Created ? "endpoint.created" : "endpoint.changed",
            "DeleteEndpoint" => "endpoint.deleted",
            "PutCredentials" => "credentials.replaced",
            "ReplayExchange" => "exchange.replayed",
            "ReplayDeadLetters" => "dead-letters.replayed",
            "MuteEndpoint" => "endpoint.muted",
            "AcknowledgeIncident" => "incident.acknowledged",
            "PutAlertRules" => "alert-rules.changed",
            "CreateKey" => "key.created",
            "DeleteKey" => "key.revoked",
            _ => name,
        };
    }

    // A created key has no id in the route, so its target comes from the Location of the 201 response.
    private static string TargetOf(HttpContext context)
    {
        foreach (var name in TargetRouteValues)
        {
            if (context.GetRouteValue(name) is string value)
            {
                return value;
            }
        }

        var location = context.Response.Headers.Location.ToString();
        return location.Length > 0 ? location[(location.LastIndexOf('/') + 1)..] : context.Request.Path.ToString();
    }

    [LoggerMessage(EventId = HubEventIds.AuditWriteFailed, Level = LogLevel.Error,
        Message = "Writing the audit entry {Action} on {Target} by {Actor} failed; the action itself took effect")]
    private static partial void LogAuditWriteFailed(ILogger logger, string action, string target, string actor, Exception error);
}
