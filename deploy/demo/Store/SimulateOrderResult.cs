namespace CrmAI.Hub.Demo.Store;

/// <summary>Response of <c>POST /simulate/order</c>, which reports what the webhook receiver returned.</summary>
/// <param name="OrderNumber">Number of the pushed order, which <c>GET /orders/{number}</c> returns.</param>
/// <param name="WebhookUrl">URL the order was posted to.</param>
/// <param name="StatusCode">Status code of the receiver's response.</param>
/// <param name="ResponseBody">Receiver's body: parsed JSON, text when it is not JSON, or null when empty.</param>
internal sealed record SimulateOrderResult(string OrderNumber, Uri WebhookUrl, int StatusCode, object? ResponseBody);
