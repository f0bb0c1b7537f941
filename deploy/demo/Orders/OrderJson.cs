using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrmAI.Hub.Demo.Orders;

/// <summary>
/// JSON settings of the store and CRM business routes, which name fields in snake_case (<c>created_at</c>)
/// as many shop and CRM APIs do. The demo's own routes use the camelCase ASP.NET Core default.
/// </summary>
internal static class OrderJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,

        // Writes "+7 900 ..." instead of "\u002B7 900 ...". These bodies are served as application/json and
        // never embedded in HTML, which is the case the default escaping guards against.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
