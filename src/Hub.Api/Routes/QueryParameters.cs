using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Rejects query parameters that a route does not take, so a misspelled filter fails with 400 instead of being
/// ignored.
/// </summary>
internal static class QueryParameters
{
    /// <summary>
    /// Adds a filter that returns 400 naming each unknown query parameter and listing the accepted ones. The accepted
    /// names are the handler's string parameters without a binding attribute (or with <c>[FromQuery]</c>) that are
    /// not route values.
    /// </summary>
    public static RouteHandlerBuilder RejectUnknownQuery(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilterFactory((factoryContext, next) =>
        {
            var candidates = factoryContext.MethodInfo.GetParameters()
                .Select(QueryName)
                .OfType<string>()
                .ToArray();
            return invocation => RejectOrContinueAsync(invocation, candidates, next);
        });

    private static ValueTask<object?> RejectOrContinueAsync(
        EndpointFilterInvocationContext invocation, string[] candidates, EndpointFilterDelegate next)
    {
        var request = invocation.HttpContext.Request;
        var accepted = candidates
            .Where(name => !request.RouteValues.ContainsKey(name))
            .ToArray();
        var unknown = request.Query.Keys
            .Where(key => !accepted.Contains(key, StringComparer.OrdinalIgnoreCase))
            .ToArray();
        if (unknown.Length == 0)
        {
            return next(invocation);
        }

        var hint = accepted.Length == 0
            ? $"{request.Method} {request.Path} takes no query parameters."
            : $"{request.Method} {request.Path} accepts: {string.Join(", ", accepted)}.";
        var errors = unknown.ToDictionary(
            key => key,
            key => new[] { $"Unknown query parameter '{key}': check its spelling. {hint}" });
        var names = string.Join(", ", unknown.Select(key => $"'{key}'"));
        return ValueTask.FromResult<object?>(TypedResults.ValidationProblem(
            errors,
            title: "Unknown query parameter",
            detail: $"Unknown query parameter {names}: check the spelling. {hint}"));
    }

    private static string? QueryName(ParameterInfo parameter)
    {
        if (parameter.GetCustomAttributes().OfType<IFromQueryMetadata>().FirstOrDefault() is { } fromQuery)
        {
            return fromQuery.Name ?? parameter.Name;
        }

        var bound = parameter.GetCustomAttributes()
            .Any(a => a is IFromHeaderMetadata or IFromServiceMetadata or IFromBodyMetadata or IFromRouteMetadata or IFromFormMetadata);
        return parameter.ParameterType == typeof(string) && !bound ? parameter.Name : null;
    }
}
