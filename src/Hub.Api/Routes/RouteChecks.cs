using CrmAI.Hub.Api.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Problem results shared by the routes.
/// </summary>
internal static class RouteChecks
{
    public static ProblemHttpResult? InvalidEndpointId(string endpointId) =>
        Validation.IsEndpointId(endpointId)
            ? null
            : TypedResults.Problem(
                title: "Invalid endpoint id",
                detail: $"endpointId '{Truncate(endpointId)}' is invalid: use {Validation.EndpointIdRule}.",
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["field"] = "endpointId" });

    public static ProblemHttpResult EndpointNotFound(string endpointId) => TypedResults.Problem(
        title: "Endpoint not found",
        detail: $"No endpoint '{endpointId}' is configured; create it with PUT /api/endpoints/{endpointId}.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult NotFound(string what, string id) => TypedResults.Problem(
        title: $"{what} not found",
        detail: $"No {what.ToLowerInvariant()} with id '{Truncate(id)}' exists.",
        statusCode: StatusCodes.Status404NotFound);

    public static ValidationProblem Invalid(Validation errors, string title) => TypedResults.ValidationProblem(
        errors.ToDictionary(), title: title, detail: "Fix the fields listed in 'errors' and send the request again.");

    private static string Truncate(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
