namespace CrmAI.Hub.Demo.Orders;

/// <summary>Buyer's contact details.</summary>
internal sealed record OrderCustomer(string Name, string Email, string Phone);
