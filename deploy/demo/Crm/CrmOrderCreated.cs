namespace CrmAI.Hub.Demo.Crm;

/// <summary>Body of the demo CRM's 201 response to <c>POST /orders</c>.</summary>
/// <param name="CrmId">Id the CRM assigned to the order.</param>
/// <param name="OrderNumber">Store's order number.</param>
/// <param name="Status">Always <c>created</c>.</param>
/// <param name="ReceivedAt">Time the CRM accepted the order.</param>
internal sealed record CrmOrderCreated(string CrmId, string OrderNumber, string Status, DateTimeOffset ReceivedAt);
