using System.Globalization;
using System.Text.RegularExpressions;

namespace CrmAI.Hub.Demo.Orders;

/// <summary>
/// Makes plausible orders. An order number always yields the same customer and lines,
/// so repeated lookups of one number agree.
/// </summary>
internal sealed partial class OrderGenerator
{
    /// <summary>Subtotal from which shipping is free.</summary>
    private const decimal FreeShippingFrom = 5000.00m;
    private const decimal ShippingCharge = 390.00m;

    /// <summary>Subtotal from which the 5% discount applies.</summary>
    private const decimal DiscountFrom = 20000.00m;
    private const decimal DiscountRate = 0.05m;

    /// <summary>How far back in time a looked-up order may have been placed.</summary>
    private static readonly TimeSpan LookupAgeRange = TimeSpan.FromDays(3);

    private static readonly (string Sku, string Name, decimal Price)[] Catalog =
    [
        ("KB-1042", "Mechanical keyboard, 87 keys", 5490.00m),
        ("MS-2210", "Wireless mouse", 1290.00m),
        ("HB-3305", "USB-C hub, 7 ports", 2790.00m),
        ("CB-0150", "USB-C cable, 1.5 m", 490.00m),
        ("MN-2701", "27-inch IPS monitor", 21990.00m),
        ("WC-0907", "Full HD webcam", 3490.00m),
        ("LS-0420", "Aluminium laptop stand", 1990.00m),
        ("HS-5120", "Over-ear headphones", 7990.00m),
    ];

    private static readonly (string First, string Last)[] Customers =
    [
        ("Anna", "Smirnova"),
        ("Dmitry", "Volkov"),
        ("Elena", "Kuznetsova"),
        ("Igor", "Sokolov"),
        ("Maria", "Popova"),
        ("Sergey", "Lebedev"),
        ("Olga", "Morozova"),
        ("Pavel", "Novikov"),
    ];

    private readonly DateTimeOffset _startedAt;

    public OrderGenerator(TimeProvider timeProvider)
    {
        _startedAt = TruncateToSeconds(timeProvider.GetUtcNow());
    }

    /// <summary>Returns whether <paramref name="number"/> has the store's form: 1-3 letters, a dash, 1-10 digits.</summary>
    public static bool IsValidNumber(string number) => OrderNumberPattern().IsMatch(number);

    /// <summary>Makes the order for <paramref name="number"/> as placed at <paramref name="createdAt"/>.</summary>
    public static Order Generate(string number, DateTimeOffset createdAt)
    {
        // Random is seeded from the number, so one number always gives the same order. It need not be secure.
        var random = new Random(StableHash(number));
        var (first, last) = Customers[random.Next(Customers.Length)];
        var customer = new OrderCustomer(
            $"{first} {last}",
            $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@example.com",
            string.Create(CultureInfo.InvariantCulture, $"+7 900 {random.Next(100, 1000)}-{random.Next(10, 100)}-{random.Next(10, 100)}"));

        var lines = Catalog
            .OrderBy(_ => random.Next())
            .Take(random.Next(1, 4))
            .Select(product => new OrderLine(product.Sku, product.Name, random.Next(1, 4), product.Price))
            .ToArray();

        return new Order(number, "new", TruncateToSeconds(createdAt), "RUB", customer, lines, ComputeTotals(lines));
    }

    /// <summary>
    /// Makes the order for <paramref name="number"/> with a placement time within the three days before
    /// the program started, derived from the number so that it does not change between lookups.
    /// </summary>
    public Order GenerateExisting(string number)
    {
        var ageSeconds = (uint)StableHash(number) % (uint)LookupAgeRange.TotalSeconds;

        return Generate(number, _startedAt - TimeSpan.FromSeconds(ageSeconds));
    }

    private static OrderTotals ComputeTotals(IEnumerable<OrderLine> lines)
    {
        var subtotal = lines.Sum(line => line.Qty * line.Price);
        var discount = subtotal >= DiscountFrom ? decimal.Round(subtotal * DiscountRate, 2) : 0.00m;
        var shipping = subtotal >= FreeShippingFrom ? 0.00m : ShippingCharge;

        return new OrderTotals(subtotal, discount, shipping, subtotal - discount + shipping);
    }

    /// <summary>
    /// Returns the 32-bit FNV-1a hash of the UTF-16 code units. <see cref="string.GetHashCode()"/> cannot serve
    /// because it changes from one process run to the next.
    /// </summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);

    [GeneratedRegex("^[A-Za-z]{1,3}-[0-9]{1,10}$")]
    private static partial Regex OrderNumberPattern();
}
