using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CrmAI.Hub.Api;

/// <summary>
/// Writes ProblemDetails responses outside of endpoint results, for middleware and the exception handler.
/// </summary>
internal static class Problems
{
    public static async Task WriteAsync(
        HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;

        var writer = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        context.Response.StatusCode = status;
        if (writer is null || !await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
        }
    }
}
