using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CrmAI.Hub.Telemetry;

/// <summary>
/// The hub's instruments, all in the meter <c>CrmAI.Hub</c>. Recording is free while nothing listens, so the
/// code records unconditionally and the host decides whether a meter provider collects.
/// </summary>
/// <remarks>
/// One static meter per process, as OpenTelemetry recommends. Several hubs in one process (the tests run many)
/// therefore share these instruments, and every series carries the endpoint id where one applies.
/// </remarks>
public static class HubMetrics
{
    public const string MeterName = "CrmAI.Hub";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Exchanges = Meter.CreateCounter<long>(
        "hub.exchanges", "{exchange}", "Exchange runs settled, by endpoint, operation, outcome of the last attempt and status");

    private static readonly Histogram<double> ExchangeDuration = Meter.CreateHistogram<double>(
        "hub.exchange.duration", "s", "Time of one exchange run: its attempts and quick retries");

    private static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>(
        "hub.attempt.duration", "s", "Time of one outbound attempt, by endpoint and outcome");

    private static readonly Counter<long> RetriesScheduled = Meter.CreateCounter<long>(
        "hub.retries.scheduled", "{retry}", "Durable retries scheduled after a transient failure");

    private static readonly Histogram<long> JournalBatchSize = Meter.CreateHistogram<long>(
        "hub.journal.batch.size", "{entry}", "Entries written by one journal COPY");

    private static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram<double>(
        "hub.journal.write.duration", "s", "Time to store one journal batch, retries included");

    private static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>(
        "hub.alerts.raised", "{incident}", "Incidents opened, by endpoint and severity");

    private static readonly Counter<long> TelegramSent = Meter.CreateCounter<long>(
        "hub.telegram.sent", "{message}", "Telegram messages delivered");

    private static readonly Counter<long> TelegramFailed = Meter.CreateCounter<long>(
        "hub.telegram.failed", "{message}", "Telegram sends that failed, by failure kind");

    private static readonly Histogram<double> TelegramDuration = Meter.CreateHistogram<double>(
        "hub.telegram.send.duration", "s", "Time of one Telegram sendMessage call, failed ones included");

    static HubMetrics()
    {
        Meter.CreateObservableGauge("hub.exchanges.pending", () => BacklogRegistry.Measure(BacklogKind.Pending),
            "{exchange}", "Exchanges waiting for a retry or for the circuit to close");
        Meter.CreateObservableGauge("hub.exchanges.parked", () => BacklogRegistry.Measure(BacklogKind.Parked),
            "{exchange}", "Exchanges parked on an authentication failure");
        Meter.CreateObservableGauge("hub.exchanges.dead_lettered", () => BacklogRegistry.Measure(BacklogKind.DeadLettered),
            "{exchange}", "Exchanges whose retries ran out");
        Meter.CreateObservableGauge("hub.journal.queue.depth", JournalQueueRegistry.Measure,
            "{entry}", "Journal entries queued and not yet stored");
    }

    public static void RecordExchange(string endpointId, string operation, string outcome, string status, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "endpoint", endpointId },
            { "operation", operation },
            { "outcome", outcome },
            { "status", status },
        };
        Exchanges.Add(1, tags);
        ExchangeDuration.Record(duration.TotalSeconds, tags);
    }

    public static void RecordAttempt(string endpointId, string outcome, TimeSpan duration) =>
        AttemptDuration.Record(duration.TotalSeconds, new TagList { { "endpoint", endpointId }, { "outcome", outcome } });

    public static void RecordRetryScheduled(string endpointId) =>
        RetriesScheduled.Add(1, new KeyValuePair<string, object?>("endpoint", endpointId));

    public static void RecordJournalBatch(int entries, TimeSpan duration)
    {
        JournalBatchSize.Record(entries);
        JournalWriteDuration.Record(duration.TotalSeconds);
    }

    public static void RecordAlertRaised(string endpointId, string severity) =>
        AlertsRaised.Add(1, new TagList { { "endpoint", endpointId }, { "severity", severity } });

    public static void RecordTelegramSent(TimeSpan duration)
    {
        TelegramSent.Add(1);
        TelegramDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("result", "sent"));
    }

    public static void RecordTelegramFailed(string kind, TimeSpan duration)
    {
        TelegramFailed.Add(1, new KeyValuePair<string, object?>("kind", kind));
        TelegramDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("result", "failed"));
    }
}
