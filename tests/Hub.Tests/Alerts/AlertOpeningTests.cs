using System.Net.Http.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// Incidents opening on a real hub: what the Telegram message contains, when it is sent, and when nothing is sent.
/// </summary>
public sealed class AlertOpeningTests(AlertHubFixture fixture) : IClassFixture<AlertHubFixture>, IAsyncLifetime
{
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
    public async Task Exchanges_StoreAnswers500_SendsOneAlertWithError()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutEndpointAsync(endpointId, _system);
        _system.Default = Respond.Text(500, "store unavailable");

        await _alerts.SubmitManyAsync(endpointId, 3);
        var messages = await _alerts.WaitForMessagesAsync(endpointId, 1);
        var incident = await _alerts.WaitForIncidentAsync(endpointId, _ => true);

        var message = Assert.Single(messages);
        Assert.Equal(AlertHub.ChatId, message.ChatId);
        Assert.Contains($"<code>{endpointId}</code>", message.Text, StringComparison.Ordinal);
        Assert.Contains("Opened", message.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", message.Text, StringComparison.Ordinal);
        Assert.Contains("store unavailable", message.Text, StringComparison.Ordinal);
        Assert.NotNull(incident);
        Assert.Contains("consecutiveFailures", incident.Value.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.False(AlertHub.HasValue(incident.Value, "resolvedAt"));
    }

    [Fact]
    public async Task Exchanges_FailureContinues_FollowUpOnlyAfterInterval()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutRulesAsync(endpointId, new { reminderInterval = "4s" });
        await _alerts.PutEndpointAsync(endpointId, _system);
        _system.Default = Respond.Text(500, "store unavailable");

        await _alerts.SubmitManyAsync(endpointId, 3);
        var opened = await _alerts.WaitForMessagesAsync(endpointId, 1);
        await _alerts.SubmitManyAsync(endpointId, 3);
        var withFollowUp = await _alerts.WaitForMessagesAsync(endpointId, 2);
        await AlertHub.QuietPeriodAsync(TimeSpan.FromSeconds(1.5));
        var afterFollowUp = _alerts.MessagesFor(endpointId);

        // The gaps are measured where the fake Bot API received the messages, so a slow test machine that reads them
        // late cannot shorten them. The 3 s bound leaves 1 s of the 4 s interval for delivery delays that differ.
        Assert.Single(opened);
        Assert.Equal(2, withFollowUp.Count);
        Assert.Contains("Still open", withFollowUp[1].Text, StringComparison.Ordinal);
        Assert.Contains("more failed since the last message", withFollowUp[1].Text, StringComparison.Ordinal);
        Assert.True(withFollowUp[1].At - withFollowUp[0].At >= TimeSpan.FromSeconds(3),
            $"The follow-up came {withFollowUp[1].At - withFollowUp[0].At} after the first message; the interval is 4 s.");
        Assert.All(afterFollowUp.Skip(2), later => Assert.True(later.At - withFollowUp[1].At >= TimeSpan.FromSeconds(3),
            $"A message came {later.At - withFollowUp[1].At} after the follow-up; the interval is 4 s."));
    }

    [Fact]
    public async Task Exchange_Unauthorized_AlertsAfterFirstExchange()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutEndpointAsync(endpointId, _system, auth: new { type = "bearer", token = "expired" });
        _system.Default = Respond.Text(401, "token expired");

        var status = await _alerts.SubmitAsync(endpointId);
        var messages = await _alerts.WaitForMessagesAsync(endpointId, 1);
        var incident = await _alerts.WaitForIncidentAsync(endpointId, _ => true);

        Assert.Equal(202, status);
        Assert.Single(_system.Requests);
        var message = Assert.Single(messages);
        Assert.Contains("credentials rejected", message.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", message.Text, StringComparison.Ordinal);
        Assert.True(message.Text.Contains("1 exchange parked", StringComparison.Ordinal), message.Text);
        Assert.NotNull(incident);
        Assert.Equal("Critical", incident.Value.GetProperty("severity").GetString());
        Assert.Contains("authFailure", incident.Value.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Exchange_HtmlInError_ArrivesEscaped()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutRulesAsync(endpointId, new { consecutiveFailures = 1 });
        await _alerts.PutEndpointAsync(endpointId, _system);
        _system.Default = Respond.Text(500, "<b>boom</b> & <script>");

        await _alerts.SubmitAsync(endpointId);
        var messages = await _alerts.WaitForMessagesAsync(endpointId, 1);

        var message = Assert.Single(messages);
        Assert.Equal("HTML", message.Body.GetProperty("parse_mode").GetString(), ignoreCase: true);
        Assert.Contains("&lt;b&gt;boom&lt;/b&gt; &amp; &lt;script&gt;", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>boom", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_SilenceRuleNoTraffic_Alerts()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutRulesAsync(endpointId, new { silenceAfter = "2s" });
        await _alerts.PutEndpointAsync(endpointId, _system);

        var messages = await _alerts.WaitForMessagesAsync(endpointId, 1);
        var incident = await _alerts.WaitForIncidentAsync(endpointId, _ => true);

        var message = Assert.Single(messages);
        Assert.Contains("No successful exchange yet", message.Text, StringComparison.Ordinal);
        Assert.Empty(_system.Requests);
        Assert.NotNull(incident);
        Assert.Contains("silence", incident.Value.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Endpoint_ExpectedActivityNoTraffic_Alerts()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutEndpointAsync(endpointId, _system, health: new { expectedActivity = "2s" });

        var messages = await _alerts.WaitForMessagesAsync(endpointId, 1);
        var health = await _alerts.Hub.GetJsonAsync($"/api/endpoints/{endpointId}/health");

        Assert.Equal("Silent", health.GetProperty("status").GetString());
        var message = Assert.Single(messages);
        Assert.Contains("silent", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRules_SilenceForIdleEndpoint_Alerts()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutEndpointAsync(endpointId, _system);
        await _alerts.PutRulesAsync(endpointId, new { silenceAfter = "2s" });

        var messages = await _alerts.WaitForMessagesAsync(endpointId, 1);

        var message = Assert.Single(messages);
        Assert.Contains("No successful exchange yet", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchanges_EndpointMuted_OpensIncidentWithoutMessage()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutEndpointAsync(endpointId, _system);
        using var mute = await _alerts.Hub.Client.PostAsJsonAsync(
            $"/api/endpoints/{endpointId}/mute", new { duration = "1h" }, HubInstance.Json, TestContext.Current.CancellationToken);
        _system.Default = Respond.Text(500, "store unavailable");

        await _alerts.SubmitManyAsync(endpointId, 3);
        var incident = await _alerts.WaitForIncidentAsync(endpointId, _ => true);
        await AlertHub.QuietPeriodAsync(TimeSpan.FromSeconds(1.5));
        var outbox = await _alerts.Hub.GetJsonAsync("/api/notifications?limit=500");

        Assert.Equal(System.Net.HttpStatusCode.OK, mute.StatusCode);
        Assert.NotNull(incident);
        Assert.False(AlertHub.HasValue(incident.Value, "resolvedAt"));
        Assert.Empty(_alerts.MessagesFor(endpointId));
        Assert.DoesNotContain(outbox.EnumerateArray(), n => n.GetProperty("endpointId").GetString() == endpointId);
    }

    private string NewEndpoint()
    {
        var endpointId = HubFixture.NewEndpointId("store");
        _endpoints.Add(endpointId);
        return endpointId;
    }
}
