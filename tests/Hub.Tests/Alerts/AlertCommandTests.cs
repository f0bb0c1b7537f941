using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// Acknowledging incidents through the API and the Telegram button, and commands from chats no route names.
/// </summary>
public sealed class AlertCommandTests(AlertHubFixture fixture) : IClassFixture<AlertHubFixture>, IAsyncLifetime
{
    private const long UserId = 1001;
    private const long UnknownChatId = 777;

    private readonly AlertHub _alerts = fixture.Alerts;
    private readonly List<string> _endpoints = [];
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var endpointId in _endpoints)
        {
            await _alerts.DeleteEndpointAsync(endpointId);
        }

        await _system.DisposeAsync();
    }

    [Fact]
    public async Task Acknowledge_OpenIncident_StopsFollowUps()
    {
        var endpointId = await OpenIncidentAsync();
        var incident = await _alerts.WaitForIncidentAsync(endpointId, _ => true);
        var incidentId = incident!.Value.GetProperty("incidentId").GetString();

        using var response = await _alerts.Hub.Client.PostAsync($"/api/incidents/{incidentId}/ack", null, TestContext.Current.CancellationToken);
        var acknowledged = await _alerts.WaitForIncidentAsync(endpointId, i => AlertHub.HasValue(i, "acknowledgedAt"));
        await AlertHub.QuietPeriodAsync(TimeSpan.FromSeconds(4.5));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("api", acknowledged!.Value.GetProperty("acknowledgedBy").GetString());
        await AssertNoFollowUpAfterAsync(endpointId, acknowledged.Value);
    }

    [Fact]
    public async Task ButtonPress_FromRoutedChat_Acknowledges()
    {
        var endpointId = await OpenIncidentAsync();
        var opened = Assert.Single(_alerts.MessagesFor(endpointId), m => m.Text.Contains("Opened", StringComparison.Ordinal));
        var data = opened.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0][0]
            .GetProperty("callback_data").GetString()!;

        _alerts.BotApi.AddCallbackUpdate(AlertHub.ChatId, UserId, data, "query-1");
        var acknowledged = await _alerts.WaitForIncidentAsync(endpointId, i => AlertHub.HasValue(i, "acknowledgedAt"));
        await AlertHub.QuietPeriodAsync(TimeSpan.FromSeconds(4.5));
        var answer = _alerts.BotApi.Requests.FirstOrDefault(r => r.Method == "answerCallbackQuery");

        Assert.StartsWith("ack:", data, StringComparison.Ordinal);
        Assert.Equal($"telegram:{UserId}", acknowledged!.Value.GetProperty("acknowledgedBy").GetString());
        Assert.NotNull(answer);
        Assert.Equal("Acknowledged.", answer.Body.GetProperty("text").GetString());
        await AssertNoFollowUpAfterAsync(endpointId, acknowledged.Value);
    }

    [Fact]
    public async Task StatusCommand_UnknownChat_NoAnswer()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutEndpointAsync(endpointId, _system);

        // Updates are handled in order, so the reply to the routed chat shows that the first update was handled too.
        _alerts.BotApi.AddMessageUpdate(UnknownChatId, UserId, "/status");
        _alerts.BotApi.AddMessageUpdate(AlertHub.ChatId, UserId, "/status");
        var answers = await _alerts.WaitForMessagesAsync(endpointId, 1);

        var answer = Assert.Single(answers);
        Assert.Contains("Status of", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_alerts.BotApi.Sent, r => r.ChatId == UnknownChatId);
    }

    // Counts only follow-ups created after the acknowledgement, because on a slow machine one may go out before it.
    // The alert grain handles one call at a time, so an earlier notice carries an earlier time. The quiet periods
    // span two reminder intervals, so a hub that ignored the acknowledgement would have created a follow-up.
    private async Task AssertNoFollowUpAfterAsync(string endpointId, JsonElement incident)
    {
        var acknowledgedAt = incident.GetProperty("acknowledgedAt").GetDateTimeOffset();
        var outbox = await _alerts.Hub.GetJsonAsync("/api/notifications?limit=500");
        var late = outbox.EnumerateArray()
            .Where(n => n.GetProperty("endpointId").GetString() == endpointId)
            .Where(n => n.GetProperty("kind").GetString() == "StillOpen")
            .Select(n => n.GetProperty("notice").GetProperty("at").GetDateTimeOffset())
            .Where(at => at >= acknowledgedAt)
            .ToList();

        Assert.True(late.Count == 0, $"follow-ups created at {string.Join(", ", late)}, after the acknowledgement at {acknowledgedAt}");
    }

    // Three failures with a two-second reminder interval, so an unacknowledged incident would be followed up at once.
    private async Task<string> OpenIncidentAsync()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutRulesAsync(endpointId, new { reminderInterval = "2s" });
        await _alerts.PutEndpointAsync(endpointId, _system);
        _system.Default = Respond.Text(500, "store unavailable");
        await _alerts.SubmitManyAsync(endpointId, 3);
        await _alerts.WaitForMessagesAsync(endpointId, 1);
        return endpointId;
    }

    private string NewEndpoint()
    {
        var endpointId = HubFixture.NewEndpointId("store");
        _endpoints.Add(endpointId);
        return endpointId;
    }
}
