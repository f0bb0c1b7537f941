namespace CrmAI.Hub.Demo.Store;

/// <summary>Body of <c>POST /simulate/order</c>.</summary>
/// <param name="WebhookUrl">Absolute http(s) URL on a loopback address that receives the order.</param>
/// <param name="ApiKey">Value of the <c>X-Api-Key</c> header sent with the webhook. No header is sent when it is null or empty.</param>
internal sealed record SimulateOrderRequest(string? WebhookUrl, string? ApiKey);
