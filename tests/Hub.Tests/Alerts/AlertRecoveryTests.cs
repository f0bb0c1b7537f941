using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// Incidents resolving on a real hub: one recovery message after the recovery hold, and none while a link flaps.
/// </summary>
public sealed class AlertRecoveryTests(AlertHubFixture fixture) : IClassFixture<AlertHubFixture>, IAsyncLifetime
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
    public async Task Exchanges_StoreRecovers_SendsOneRecoveryMessage()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutRulesAsync(endpointId, new { recoveryHold = "1s" });
        await _alerts.PutEndpointAsync(endpointId, _system);
        _system.Default = Respond.Text(500, "store unavailable");
        await _alerts.SubmitManyAsync(endpointId, 3);
        await _alerts.WaitForMessagesAsync(endpointId, 1);

        _system.Default = Respond.Json(200, """{"ok":true}""");
        await _alerts.SubmitAsync(endpointId);
        var messages = await _alerts.WaitForMessagesAsync(endpointId, 2);
        var incident = await _alerts.WaitForIncidentAsync(endpointId, i => AlertHub.HasValue(i, "resolvedAt"));
        await AlertHub.QuietPeriodAsync(TimeSpan.FromSeconds(1.5));
        var settled = _alerts.MessagesFor(endpointId);

        Assert.Equal(2, messages.Count);
        var recovery = messages[1];
        Assert.Contains("recovered", recovery.Text, StringComparison.Ordinal);
        Assert.Contains("The incident lasted", recovery.Text, StringComparison.Ordinal);
        Assert.True(recovery.Text.Contains("3 exchanges failed during it", StringComparison.Ordinal), recovery.Text);
        Assert.True(recovery.Text.Contains("0 exchanges succeeded after retries", StringComparison.Ordinal), recovery.Text);
        Assert.False(recovery.Body.TryGetProperty("reply_markup", out _), "A recovery message needs no buttons.");
        Assert.Equal(2, settled.Count);
        Assert.NotNull(incident);
        Assert.True(AlertHub.HasValue(incident.Value, "resolvedAt"), $"The incident is still open: {incident}");
    }

    [Fact]
    public async Task Exchanges_Flapping_OneIncidentOneMessage()
    {
        var endpointId = NewEndpoint();
        await _alerts.PutRulesAsync(endpointId, new { consecutiveFailures = 1, recoveryHold = "5m" });
        await _alerts.PutEndpointAsync(endpointId, _system);
        for (var i = 0; i < 4; i++)
        {
            _system.Enqueue(Respond.Text(500, "store unavailable"), Respond.Json(200, """{"ok":true}"""));
        }

        await _alerts.SubmitManyAsync(endpointId, 8);
        await _alerts.WaitForMessagesAsync(endpointId, 1);
        await AlertHub.QuietPeriodAsync(TimeSpan.FromSeconds(2));
        var messages = _alerts.MessagesFor(endpointId);
        var incidents = await _alerts.IncidentsAsync(endpointId);

        Assert.Equal(8, _system.Requests.Count);
        var message = Assert.Single(messages);
        Assert.Contains("Opened", message.Text, StringComparison.Ordinal);
        var incident = Assert.Single(incidents);
        Assert.False(AlertHub.HasValue(incident, "resolvedAt"));
    }

    private string NewEndpoint()
    {
        var endpointId = HubFixture.NewEndpointId("store");
        _endpoints.Add(endpointId);
        return endpointId;
    }
}
