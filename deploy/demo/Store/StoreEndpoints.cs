using System.Text.Json;
using CrmAI.Hub.Demo.Control;
using CrmAI.Hub.Demo.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmAI.Hub.Demo.Store;

/// <summary>Maps the routes of the demo online store.</summary>
internal static class StoreEndpoints
{
    public static void MapStoreEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/orders/{number}", GetOrder);
        app.MapPost("/simulate/order", SimulateOrderAsync).WithMetadata(ControlRouteMetadata.Instance);
    }

    private static Results<JsonHttpResult<Order>, ProblemHttpResult> GetOrder(string number, StoreOrderBook orders)
    {
        if (!OrderGenerator.IsValidNumber(number))
        {
            return TypedResults.Problem(
                title: "Order not found",
                detail: $"Order number '{number}' is invalid. Store numbers look like A-10045.",
                statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.Json(orders.Get(number), OrderJson.Options);
    }

    /// <summary>
    /// Creates a new order and posts it to the webhook URL from the body, as a store does when a customer
    /// checks out. Returns the receiver's status and body, or 502/504 when delivery fails.
    /// </summary>
    private static async Task<Results<Ok<SimulateOrderResult>, ProblemHttpResult>> SimulateOrderAsync(
        HttpRequest request,
        StoreOrderBook orders,
        WebhookSender sender,
        ILoggerFactory loggerFactory,
        DemoSystem system,
        CancellationToken cancellationToken)
    {
        SimulateOrderRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<SimulateOrderRequest>(
                request.Body, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException error)
        {
            return BadRequest($"The body is not valid JSON: {error.Message}");
        }

        if (!WebhookSender.TryParseUrl(body?.WebhookUrl, out var webhookUrl, out var urlError))
        {
            return BadRequest(urlError);
        }

        var order = orders.CreateNew();
        var logger = loggerFactory.CreateLogger(system.Name);
        try
        {
            var result = await sender.SendAsync(order, webhookUrl, body?.ApiKey, cancellationToken);
            logger.LogWebhookDelivered(order.Number, webhookUrl, result.StatusCode);
            return TypedResults.Ok(result);
        }
        catch (HttpRequestException error)
        {
            logger.LogWebhookFailed(order.Number, webhookUrl, error);
            var reason = error.GetBaseException().Message.TrimEnd('.');
            return WebhookProblem(StatusCodes.Status502BadGateway, order, webhookUrl, $"failed: {reason}");
        }
        catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWebhookFailed(order.Number, webhookUrl, error);
            return WebhookProblem(
                StatusCodes.Status504GatewayTimeout,
                order,
                webhookUrl,
                $"timed out after {WebhookSender.Timeout.TotalSeconds:0} s");
        }
    }

    private static ProblemHttpResult WebhookProblem(int statusCode, Order order, Uri webhookUrl, string reason) =>
        TypedResults.Problem(
            title: "Webhook delivery failed",
            detail: $"Posting order {order.Number} to {webhookUrl} {reason}. Check that the receiver is running.",
            statusCode: statusCode);

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Invalid simulate request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
