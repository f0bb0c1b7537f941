using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// A chat routed only critical notices: it hears about an incident, so it must also hear that the incident ended.
/// </summary>
public sealed class AlertRoutingTests(PostgresServerFixture server) : IAsyncLifetime
{
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Recovery_CriticalOnlyRoute_SendsRecoveryMessage()
    {
        await using var alerts = await AlertHub.StartAsync(server, minSeverity: "Critical");
        const string EndpointId = "store";
        await alerts.PutRulesAsync(EndpointId, new { recoveryHold = "1s" });
        await alerts.PutEndpointAsync(EndpointId, _system);
        _system.Default = Respond.Text(500, "store unavailable");
        await alerts.SubmitManyAsync(EndpointId, 3);
        var opened = await alerts.WaitForMessagesAsync(EndpointId, 1);

        _system.Default = Respond.Json(200, """{"ok":true}""");
        await alerts.SubmitAsync(EndpointId);
        var incident = await alerts.WaitForIncidentAsync(EndpointId, i => AlertHub.HasValue(i, "resolvedAt"));
        var messages = await alerts.WaitForMessagesAsync(EndpointId, 2);

        Assert.Single(opened);
        Assert.True(AlertHub.HasValue(incident!.Value, "resolvedAt"), $"The incident is still open: {incident}");
        Assert.Equal(2, messages.Count);
    }
}
