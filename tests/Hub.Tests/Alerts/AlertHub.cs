using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using CrmAI.Hub.Tests.Telegram;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// A real hub whose alerts go to a <see cref="FakeBotApi"/>: one route to <see cref="ChatId"/> for every endpoint,
/// alert checks and retry reminders every second, and a one-second getUpdates wait.
/// </summary>
public sealed class AlertHub : IAsyncDisposable
{
    public const long ChatId = 42;

    /// <summary>How long a test waits for something the hub does in the background.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private AlertHub(HubInstance hub, FakeBotApi botApi)
    {
        Hub = hub;
        BotApi = botApi;
    }

    public HubInstance Hub { get; private set; }

    public FakeBotApi BotApi { get; }

    /// <summary>Starts a fake Bot API and a hub on a fresh database of <paramref name="server"/>.</summary>
    /// <remarks><paramref name="minSeverity"/> is the route's <c>MinSeverity</c>.</remarks>
    public static async Task<AlertHub> StartAsync(PostgresServerFixture server, string minSeverity = "Info")
    {
        ArgumentNullException.ThrowIfNull(server);
        var botApi = await FakeBotApi.StartAsync();
        var database = await server.CreateDatabaseAsync(CancellationToken.None);
        var hub = await HubInstance.StartAsync(database, settings: Settings(botApi.BaseUrl, minSeverity));
        return new AlertHub(hub, botApi);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Settings(Uri botApiUrl, string minSeverity) =>
    [
        new("Telegram:BotToken", FakeBotApi.Token),
        new("Telegram:ApiBaseUrl", botApiUrl.ToString()),
        new("Telegram:Routes:0:ChatId", ChatId.ToString(CultureInfo.InvariantCulture)),
        new("Telegram:Routes:0:Endpoints:0", "*"),
        new("Telegram:Routes:0:MinSeverity", minSeverity),
        new("Telegram:PollTimeout", "00:00:01"),
        new("Alerts:CheckPeriod", "00:00:01"),
        new("Retries:ReminderPeriod", "00:00:01"),
        new("Retries:MaxJitter", "00:00:00.050"),
    ];

    /// <summary>Stops the hub gracefully and starts a new one on the same database, with the same fake Bot API.</summary>
    public async Task RestartAsync() => Hub = await Hub.RestartAsync();

    /// <summary>
    /// Creates an endpoint of <paramref name="system"/> with one quick attempt and durable retries only after
    /// <paramref name="firstRetry"/>, so no retry runs during a test unless the test sets a short one.
    /// </summary>
    public Task PutEndpointAsync(
        string endpointId, ExternalSystem system, string firstRetry = "1h", object? health = null, object? auth = null) =>
        Hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = system.BaseUrl,
            auth,
            health,
            retry = new { immediate = 0, schedule = new[] { firstRetry }, authProbeInterval = "1h" },
        });

    /// <summary>Replaces the alert rules: global defaults stay, and <paramref name="rules"/> applies to one endpoint.</summary>
    public async Task PutRulesAsync(string endpointId, object rules)
    {
        var body = new { endpoints = new Dictionary<string, object> { [endpointId] = rules } };
        using var response = await Hub.Client.PutAsJsonAsync("/api/alert-rules", body, HubInstance.Json);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"PUT /api/alert-rules gave {(int)response.StatusCode}: {text}");
        }
    }

    /// <summary>Posts one exchange and returns the HTTP status of the submission.</summary>
    public async Task<int> SubmitAsync(string endpointId)
    {
        var exchange = new { operation = "orders.create", method = "POST", path = "/orders", body = new { number = "A-1" } };
        using var response = await Hub.Client.PostAsJsonAsync($"/api/endpoints/{endpointId}/exchanges", exchange, HubInstance.Json);
        return (int)response.StatusCode;
    }

    public async Task SubmitManyAsync(string endpointId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await SubmitAsync(endpointId);
        }
    }

    /// <summary>Returns the sendMessage requests to <see cref="ChatId"/> that name the endpoint, in arrival order.</summary>
    public IReadOnlyList<BotRequest> MessagesFor(string endpointId) =>
        BotApi.Sent.Where(r => r.ChatId == ChatId && r.Text.Contains(endpointId, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages name the endpoint, and returns them; after
    /// <see cref="Deadline"/> it returns what arrived, so the caller's assert shows the count.
    /// </summary>
    public async Task<IReadOnlyList<BotRequest>> WaitForMessagesAsync(string endpointId, int count)
    {
        var clock = Stopwatch.StartNew();
        while (MessagesFor(endpointId).Count < count && clock.Elapsed < Deadline)
        {
            await Task.Delay(50);
        }

        return MessagesFor(endpointId);
    }

    /// <summary>Returns the endpoint's incidents from <c>GET /api/incidents?state=all</c>, newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> IncidentsAsync(string endpointId)
    {
        var incidents = await Hub.GetJsonAsync("/api/incidents?state=all");
        return [.. incidents.EnumerateArray().Where(i => i.GetProperty("endpointId").GetString() == endpointId)];
    }

    /// <summary>
    /// Polls the endpoint's incidents until <paramref name="condition"/> holds for the newest, and returns the newest,
    /// or null when there is none by <see cref="Deadline"/>.
    /// </summary>
    public async Task<JsonElement?> WaitForIncidentAsync(string endpointId, Func<JsonElement, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var incidents = await IncidentsAsync(endpointId);
            if ((incidents.Count > 0 && condition(incidents[0])) || clock.Elapsed > Deadline)
            {
                return incidents.Count > 0 ? incidents[0] : null;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Deletes the endpoint, so its alert grain closes any open incident silently at its next check.</summary>
    public async Task DeleteEndpointAsync(string endpointId)
    {
        using var response = await Hub.Client.DeleteAsync($"/api/endpoints/{endpointId}");
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await BotApi.DisposeAsync();
    }

    /// <summary>Returns true when the JSON member is present and not null.</summary>
    public static bool HasValue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Waits out a span in which the hub must not send something, such as a follow-up before its interval.</summary>
    public static Task QuietPeriodAsync(TimeSpan span) => Task.Delay(span);
}
