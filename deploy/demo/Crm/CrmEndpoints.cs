using System.Text.Json;
using CrmAI.Hub.Demo.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmAI.Hub.Demo.Crm;

/// <summary>Maps the routes of the demo CRM, all behind a bearer token.</summary>
internal static class CrmEndpoints
{
    public static void MapCrmEndpoints(this IEndpointRouteBuilder app, string token)
    {
        var orders = app.MapGroup("/orders").AddEndpointFilter(new BearerTokenFilter(token));

        orders.MapPost(string.Empty, CreateOrderAsync);
        orders.MapGet("/{number}", GetOrder);
    }

    /// <summary>
    /// Stores the order in the body, which must be a JSON object with a string <c>number</c> field.
    /// Reads the body itself so that invalid JSON gets a 400 whose detail names the JSON error.
    /// </summary>
    private static async Task<Results<JsonHttpResult<CrmOrderCreated>, ProblemHttpResult>> CreateOrderAsync(
        HttpContext context, CrmOrderStore store, CancellationToken cancellationToken)
    {
        JsonElement order;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
            order = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            return BadRequest($"The body is not valid JSON: {error.Message}");
        }

        if (order.ValueKind != JsonValueKind.Object
            || !order.TryGetProperty("number", out var numberProperty)
            || numberProperty.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(numberProperty.GetString()))
        {
            return BadRequest("The body must be a JSON object with a non-empty string field 'number', such as \"A-10045\".");
        }

        var number = numberProperty.GetString()!;
        if (!store.TryAdd(number, order, out var stored))
        {
            return TypedResults.Problem(
                title: "Order already exists",
                detail: $"Order {number} was already created as {stored.CrmId}.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["crm_id"] = stored.CrmId });
        }

        context.Response.Headers.Location = $"/orders/{Uri.EscapeDataString(number)}";
        var created = new CrmOrderCreated(stored.CrmId, stored.OrderNumber, "created", stored.ReceivedAt);

        return TypedResults.Json(created, OrderJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static Results<JsonHttpResult<CrmOrder>, ProblemHttpResult> GetOrder(string number, CrmOrderStore store)
    {
        var order = store.Find(number);

        return order is null
            ? TypedResults.Problem(
                title: "Order not found",
                detail: $"The CRM has no order {number}.",
                statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Json(order, OrderJson.Options);
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Invalid order", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
