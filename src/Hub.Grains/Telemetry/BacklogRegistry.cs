using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CrmAI.Hub.Telemetry;

/// <summary>
/// The backlog counts of every active endpoint grain in this process, which the backlog gauges read. Grains
/// write their in-memory counts here when they change, so a scrape costs one pass over the active endpoints and
/// no database query.
/// </summary>
public static class BacklogRegistry
{
    // Keyed by silo and endpoint, because test processes run several silos and a grain may move between them.
    private static readonly ConcurrentDictionary<(string Silo, string EndpointId), BacklogCounts> Counts = new();

    public static void Set(string silo, string endpointId, int pending, int parked, int deadLettered) =>
        Counts[(silo, endpointId)] = new BacklogCounts(pending, parked, deadLettered);

    /// <summary>Drops an endpoint when its grain deactivates or is deleted, so its gauges stop.</summary>
    public static void Remove(string silo, string endpointId) => Counts.TryRemove((silo, endpointId), out _);

    internal static IEnumerable<Measurement<int>> Measure(BacklogKind kind) =>
        Counts
            .GroupBy(pair => pair.Key.EndpointId, StringComparer.Ordinal)
            .Select(group => new Measurement<int>(
                group.Sum(pair => pair.Value.Of(kind)),
                new KeyValuePair<string, object?>("endpoint", group.Key)));

    private readonly record struct BacklogCounts(int Pending, int Parked, int DeadLettered)
    {
        public int Of(BacklogKind kind) => kind switch
        {
            BacklogKind.Pending => Pending,
            BacklogKind.Parked => Parked,
            _ => DeadLettered,
        };
    }
}
