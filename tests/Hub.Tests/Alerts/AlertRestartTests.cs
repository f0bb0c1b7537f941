using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// Open incidents across a graceful restart of the hub.
/// </summary>
public sealed class AlertRestartTests(PostgresServerFixture server) : IAsyncLifetime
{
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Restart_EndpointRecovers_SendsRecovery()
    {
        await using var alerts = await AlertHub.StartAsync(server);
        const string EndpointId = "store";
        await alerts.PutRulesAsync(EndpointId, new { recoveryHold = "1s" });
        await alerts.PutEndpointAsync(EndpointId, _system, firstRetry: "2s");
        _system.Default = Respond.Text(500, "store unavailable");
        await alerts.SubmitManyAsync(EndpointId, 3);
        var opened = await alerts.WaitForMessagesAsync(EndpointId, 1);

        _system.Default = Respond.Json(200, """{"ok":true}""");
        await alerts.RestartAsync();
        var messages = await alerts.WaitForMessagesAsync(EndpointId, 2);
        var incident = await alerts.WaitForIncidentAsync(EndpointId, i => AlertHub.HasValue(i, "resolvedAt"));

        Assert.Single(opened);
        Assert.Equal(2, messages.Count);
        Assert.Contains("recovered", messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("The incident lasted", messages[1].Text, StringComparison.Ordinal);
        Assert.NotNull(incident);
        Assert.True(AlertHub.HasValue(incident.Value, "resolvedAt"), $"The incident is still open: {incident}");
    }
}
