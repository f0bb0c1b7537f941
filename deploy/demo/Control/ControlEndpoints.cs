using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmAI.Hub.Demo.Control;

/// <summary>Maps the failure-control and request-history routes that both demo systems share.</summary>
internal static class ControlEndpoints
{
    public static void MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(string.Empty).WithMetadata(ControlRouteMetadata.Instance);

        group.MapGet("/_control", (FailureControl control) => TypedResults.Ok(control.GetState()));
        group.MapPost("/_control", SetModeAsync);
        group.MapGet("/_requests", (RequestHistory history) => TypedResults.Ok(history.GetNewestFirst()));
        group.MapDelete("/_requests", (RequestHistory history) =>
        {
            history.Clear();
            return TypedResults.NoContent();
        });
    }

    /// <summary>
    /// Reads the body as JSON whatever its Content-Type, so that <c>curl -d</c> without a header also works.
    /// </summary>
    private static async Task<Results<Ok<ControlState>, ProblemHttpResult>> SetModeAsync(
        HttpRequest request,
        FailureControl control,
        DemoSystem system,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        ControlRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ControlRequest>(
                request.Body, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException error)
        {
            return BadRequest($"The body is not valid JSON: {error.Message}");
        }

        if (body is null)
        {
            return BadRequest("The body is missing. Send {\"mode\":\"ok\"} or another mode.");
        }

        var errors = control.Apply(body);
        if (errors.Count > 0)
        {
            return BadRequest(string.Join(" ", errors));
        }

        var state = control.GetState();
        var duration = state.Remaining is { } remaining
            ? string.Create(CultureInfo.InvariantCulture, $"for the next {remaining} requests")
            : "until changed";
        loggerFactory.CreateLogger(system.Name).LogModeChanged(state.Mode, state.DelayMs, duration);

        return TypedResults.Ok(state);
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Invalid control request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
