namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// One operation of the hub's API as its OpenAPI document describes it: method, route template, query parameters
/// and whether it takes a JSON body.
/// </summary>
/// <param name="Template">The route as the document writes it, such as <c>/api/endpoints/{endpointId}</c>.</param>
public sealed record FuzzTarget(HttpMethod Method, string Template, IReadOnlyList<string> QueryNames, bool HasBody)
{
    /// <summary>The key of the operation in the hub's scope table and in the fuzz baselines: method, space, route.</summary>
    public string Key => $"{Method.Method} {Template}";

    public override string ToString() => Key;
}
