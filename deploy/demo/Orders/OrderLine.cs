namespace CrmAI.Hub.Demo.Orders;

/// <summary>One product in an order.</summary>
/// <param name="Sku">Store's stock-keeping unit.</param>
/// <param name="Name">Product name.</param>
/// <param name="Qty">Number of units.</param>
/// <param name="Price">Price of one unit, in the order's currency.</param>
internal sealed record OrderLine(string Sku, string Name, int Qty, decimal Price);
