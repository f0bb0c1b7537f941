namespace CrmAI.Hub.Demo.Orders;

/// <summary>Order as the demo store publishes it and the demo CRM stores it.</summary>
/// <param name="Number">Order number, such as <c>A-10045</c>.</param>
/// <param name="Status">Store status of the order, such as <c>new</c>.</param>
/// <param name="CreatedAt">Time the customer placed the order.</param>
/// <param name="Currency">ISO 4217 currency code of every amount.</param>
/// <param name="Customer">Buyer's contact details.</param>
/// <param name="Lines">Ordered products.</param>
/// <param name="Totals">Amounts for the whole order.</param>
internal sealed record Order(
    string Number,
    string Status,
    DateTimeOffset CreatedAt,
    string Currency,
    OrderCustomer Customer,
    IReadOnlyList<OrderLine> Lines,
    OrderTotals Totals);
