using System.Globalization;
using System.Text.Json;

namespace CrmAI.Hub.Demo.Crm;

/// <summary>Orders accepted by the demo CRM, keyed by order number.</summary>
internal sealed class CrmOrderStore(TimeProvider timeProvider)
{
    /// <summary>Number of orders kept. Past it the oldest is removed, so a load test cannot exhaust memory.</summary>
    public const int Capacity = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, CrmOrder> _orders = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _arrivalOrder = new();
    private int _lastId;

    /// <summary>
    /// Stores <paramref name="order"/> under <paramref name="number"/> with a new CRM id.
    /// Returns false and the stored order when the number is already known.
    /// </summary>
    public bool TryAdd(string number, JsonElement order, out CrmOrder stored)
    {
        lock (_lock)
        {
            if (_orders.TryGetValue(number, out var existing))
            {
                stored = existing;
                return false;
            }

            if (_arrivalOrder.Count == Capacity)
            {
                _orders.Remove(_arrivalOrder.Dequeue());
            }

            var crmId = string.Create(CultureInfo.InvariantCulture, $"CRM-{++_lastId:D6}");
            stored = new CrmOrder(crmId, number, timeProvider.GetUtcNow(), order);
            _orders[number] = stored;
            _arrivalOrder.Enqueue(number);

            return true;
        }
    }

    public CrmOrder? Find(string number)
    {
        lock (_lock)
        {
            return _orders.GetValueOrDefault(number);
        }
    }
}
