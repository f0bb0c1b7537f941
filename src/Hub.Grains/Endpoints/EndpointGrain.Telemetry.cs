using System.Diagnostics;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;
using CrmAI.Hub.Telemetry;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    /// <summary>
    /// Starts the span of one exchange run. Under an API call it continues that call's trace, because Orleans
    /// activity propagation carries the context into the grain.
    /// </summary>
    /// <remarks>
    /// NOTE: a durable retry woken by the timer or the reminder starts a new trace, because the stored exchange
    /// does not keep the trace context of its first run. The journal entries of each run name their own trace.
    /// </remarks>
    private Activity? StartExchangeActivity(StoredExchange stored, AttemptTrigger trigger)
    {
        var activity = HubActivity.Source.StartActivity("exchange " + stored.Request.Operation, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("hub.endpoint_id", EndpointId);
        activity.SetTag("hub.exchange_id", stored.ExchangeId.ToString());
        activity.SetTag("hub.operation", stored.Request.Operation);
        activity.SetTag("hub.trigger", trigger.ToString());
        if (stored.Request.CorrelationId is { } correlationId)
        {
            activity.SetTag("hub.correlation_id", correlationId);
        }

        return activity;
    }

    /// <summary>
    /// Opens the logging scope of one exchange, so every line logged while it runs names its exchange, endpoint
    /// and correlation id. The ids are generated or caller-chosen labels, never secrets.
    /// </summary>
    private IDisposable? BeginExchangeScope(StoredExchange stored) =>
        _logger.BeginScope(new Dictionary<string, object?>
        {
            ["ExchangeId"] = stored.ExchangeId,
            ["EndpointId"] = EndpointId,
            ["CorrelationId"] = stored.Request.CorrelationId,
        });

    private static void EndExchangeActivity(Activity? activity, ExchangeResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("hub.status", result.Status.ToString());
        activity.SetTag("hub.attempts", result.Attempts);
        if (result.Status is not (ExchangeStatus.Succeeded or ExchangeStatus.Running))
        {
            activity.SetStatus(ActivityStatusCode.Error, result.Error);
        }
    }

    /// <summary>Copies the in-memory backlog counts to the registry that the backlog gauges read.</summary>
    private void PublishBacklog() => BacklogRegistry.Set(_silo, EndpointId, _pending, _parked, _deadLettered);
}
