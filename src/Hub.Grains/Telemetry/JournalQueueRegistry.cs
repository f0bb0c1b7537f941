using System.Collections.Concurrent;

namespace CrmAI.Hub.Telemetry;

/// <summary>
/// The journal writers of this process, whose queue lengths the queue depth gauge adds up. A hub registers its
/// writer when it starts and removes it when it stops.
/// </summary>
public static class JournalQueueRegistry
{
    private static readonly ConcurrentDictionary<object, Func<long>> Sources = new();

    public static void Add(object owner, Func<long> queueLength) => Sources[owner] = queueLength;

    public static void Remove(object owner) => Sources.TryRemove(owner, out _);

    internal static long Measure() => Sources.Values.Sum(read => read());
}
