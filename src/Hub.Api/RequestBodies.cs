using CrmAI.Hub.Api.Models;

namespace CrmAI.Hub.Api;

/// <summary>
/// Short descriptions of the JSON bodies that the routes expect, for errors about a missing body.
/// </summary>
internal static class RequestBodies
{
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(EndpointBody)] = """the endpoint configuration, at least {"baseUrl":"https://crm.example/api"}""",
        [typeof(AuthBody)] = """the credentials, such as {"type":"bearer","token":"..."}""",
        [typeof(ExchangeBody)] = """the exchange, at least {"operation":"orders.get","method":"GET","path":"/orders/1"}""",
        [typeof(AlertRuleSetBody)] = """the alert rules, such as {"defaults":{"consecutiveFailures":3},"endpoints":{}}""",
        [typeof(MuteBody)] = """the mute duration, such as {"duration":"1h"}""",
    };

    /// <summary>Returns the error message for a request whose body is empty or the JSON literal <c>null</c>.</summary>
    public static string MissingMessage(Type? bodyType)
    {
        var expected = bodyType is not null && Examples.TryGetValue(bodyType, out var example)
            ? example
            : "the fields that /openapi/v1.json documents for this route";
        return $"Request body missing: send a JSON object with {expected}, and the header Content-Type: application/json.";
    }
}
