using System.Text.Json;

namespace CrmAI.Hub.Demo.Crm;

/// <summary>Order stored by the demo CRM.</summary>
/// <param name="CrmId">Id the CRM assigned, such as <c>CRM-000001</c>.</param>
/// <param name="OrderNumber">Store's order number, taken from the <c>number</c> field.</param>
/// <param name="ReceivedAt">Time the CRM accepted the order.</param>
/// <param name="Order">Order JSON as received. A JsonElement is immutable, so many requests can read it at once.</param>
internal sealed record CrmOrder(string CrmId, string OrderNumber, DateTimeOffset ReceivedAt, JsonElement Order);
