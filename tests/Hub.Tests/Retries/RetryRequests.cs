using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// Requests of the retry tests: submissions with their headers, and polling for exchanges that finish in the
/// background.
/// </summary>
public static class RetryRequests
{
    /// <summary>How long a test waits for a background retry before it checks what it got.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Posts an exchange, with an <c>Idempotency-Key</c> header when a key is given.</summary>
    public static async Task<Submission> SubmitAsync(
        this HubInstance hub, string endpointId, object exchange, string? idempotencyKey = null, string query = "")
    {
        ArgumentNullException.ThrowIfNull(hub);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/endpoints/{endpointId}/exchanges{query}")
        {
            Content = JsonContent.Create(exchange, options: HubInstance.Json),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await hub.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Submission(
            response.StatusCode, response.Headers.Location, response.Headers.RetryAfter,
            response.Content.Headers.ContentType?.MediaType, text);
    }

    /// <summary>Reads <c>GET /api/exchanges/{exchangeId}</c>.</summary>
    public static Task<JsonElement> GetExchangeAsync(this HubInstance hub, string exchangeId)
    {
        ArgumentNullException.ThrowIfNull(hub);
        return hub.GetJsonAsync($"/api/exchanges/{exchangeId}");
    }

    /// <summary>
    /// Polls an exchange until it has <paramref name="status"/> or <see cref="Deadline"/> passes, and returns the
    /// last view either way, so the caller's assert shows the status it ended in.
    /// </summary>
    public static async Task<JsonElement> WaitForExchangeAsync(this HubInstance hub, string exchangeId, string status)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var exchange = await hub.GetExchangeAsync(exchangeId);
            if (exchange.GetProperty("status").GetString() == status || clock.Elapsed > Deadline)
            {
                return exchange;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Returns the endpoint's entry of <c>GET /api/status</c>.</summary>
    public static async Task<JsonElement> GetEndpointStatusAsync(this HubInstance hub, string endpointId)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var status = await hub.GetJsonAsync("/api/status");
        return status.GetProperty("endpoints").EnumerateArray()
            .Single(e => e.GetProperty("endpointId").GetString() == endpointId);
    }

    /// <summary>Returns the triggers of an exchange's journal entries, in the listed order.</summary>
    public static string[] Triggers(JsonElement exchange) =>
        [.. Entries(exchange).Select(e => e.GetProperty("trigger").GetString()!)];

    /// <summary>Returns the attempt numbers of an exchange's journal entries, in the listed order.</summary>
    public static int[] AttemptNumbers(JsonElement exchange) =>
        [.. Entries(exchange).Select(e => e.GetProperty("attempt").GetInt32())];

    /// <summary>Returns the start times of an exchange's journal entries, in the listed order.</summary>
    public static DateTimeOffset[] StartTimes(JsonElement exchange) =>
        [.. Entries(exchange).Select(e => e.GetProperty("startedAt").GetDateTimeOffset())];

    /// <summary>Returns its arguments as an array, for lists in endpoint bodies such as <c>retry.schedule</c>.</summary>
    public static T[] Values<T>(params T[] values) => values;

    /// <summary>An order exchange whose number the external system can read back from the request body.</summary>
    public static object Order(string number, string operation = "orders.create") =>
        new { operation, method = "POST", path = "/orders", body = new { number } };

    /// <summary>Returns the order number of a request that <see cref="Order"/> produced.</summary>
    public static string? OrderNumber(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("number").GetString();
    }

    // In the order the API lists them, which is by attempt number.
    private static JsonElement.ArrayEnumerator Entries(JsonElement exchange) => exchange.GetProperty("entries").EnumerateArray();
}
