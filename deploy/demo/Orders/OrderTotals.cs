namespace CrmAI.Hub.Demo.Orders;

/// <summary>Amounts for a whole order, in the order's currency.</summary>
/// <param name="Subtotal">Sum of quantity times price over the lines.</param>
/// <param name="Discount">Amount taken off the subtotal.</param>
/// <param name="Shipping">Delivery charge.</param>
/// <param name="Total">Subtotal minus discount plus shipping.</param>
internal sealed record OrderTotals(decimal Subtotal, decimal Discount, decimal Shipping, decimal Total);
