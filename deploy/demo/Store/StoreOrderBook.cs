using System.Globalization;
using CrmAI.Hub.Demo.Orders;

namespace CrmAI.Hub.Demo.Store;

/// <summary>Orders of the demo store: the ones it pushed as webhooks, and generated ones for any other number.</summary>
internal sealed class StoreOrderBook(OrderGenerator generator, TimeProvider timeProvider)
{
    /// <summary>Number of pushed orders kept. A lookup of an older one generates it again, with an earlier creation time.</summary>
    public const int Capacity = 200;

    /// <summary>First number of pushed orders, above the numbers that the walk-through posts by hand.</summary>
    private const int FirstPushedNumber = 10100;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Order> _pushed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _pushOrder = new();
    private int _nextNumber = FirstPushedNumber;

    /// <summary>Makes a new order placed now, with the next free number, and keeps it for lookups.</summary>
    public Order CreateNew()
    {
        lock (_lock)
        {
            var number = string.Create(CultureInfo.InvariantCulture, $"A-{_nextNumber++}");
            var order = OrderGenerator.Generate(number, timeProvider.GetUtcNow());

            if (_pushOrder.Count == Capacity)
            {
                _pushed.Remove(_pushOrder.Dequeue());
            }

            _pushed[number] = order;
            _pushOrder.Enqueue(number);

            return order;
        }
    }

    /// <summary>Returns the pushed order with <paramref name="number"/>, or else the order generated for it.</summary>
    public Order Get(string number)
    {
        lock (_lock)
        {
            if (_pushed.TryGetValue(number, out var order))
            {
                return order;
            }
        }

        return generator.GenerateExisting(number);
    }
}
