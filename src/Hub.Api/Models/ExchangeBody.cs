using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The JSON body of <c>POST /api/endpoints/{endpointId}/exchanges</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ExchangeBody
{
    public const int MaxTextLength = 200;

    /// <summary>What the exchange does, for people reading the journal, such as <c>orders.create</c>.</summary>
    [Required]
    public string? Operation { get; init; }

    /// <summary>HTTP method token of the outbound request, such as <c>GET</c> or <c>POST</c>.</summary>
    [Required]
    public string? Method { get; init; }

    /// <summary>Path relative to the endpoint's base URL.</summary>
    public string? Path { get; init; }

    public Dictionary<string, string>? Query { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>A JSON value sent as application/json, or a string sent as it is.</summary>
    public JsonElement? Body { get; init; }

    public string? CorrelationId { get; init; }

    internal ExchangeRequest? ToRequest(Validation errors)
    {
        if (string.IsNullOrWhiteSpace(Operation) || Operation.Length > MaxTextLength)
        {
            errors.Add("operation", $"Required: a name of at most {MaxTextLength} characters, such as 'orders.create'.");
        }

        if (string.IsNullOrEmpty(Method))
        {
            errors.Add("method", "Required: an HTTP method such as GET or POST.");
        }
        else if (!Validation.IsToken(Method))
        {
            errors.Add("method", $"'{(Method.Length > 40 ? Method[..40] + "…" : Method)}' is not an HTTP method: use a method token such as GET or POST, " +
                "without spaces.");
        }

        if (ExchangeUrl.Validate(Path ?? "") is { } problem)
        {
            errors.Add("path", $"The path {problem}.");
        }

        errors.CheckHeaders("headers", Headers);
        if (CorrelationId is { Length: > MaxTextLength })
        {
            errors.Add("correlationId", $"Must be at most {MaxTextLength} characters.");
        }
        else if (CorrelationId?.Any(char.IsControl) == true)
        {
            errors.Add("correlationId", "Must not contain control characters such as NUL or line breaks.");
        }

        if (!errors.IsValid)
        {
            return null;
        }

        var body = Body is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } value ? value : (JsonElement?)null;
        return new ExchangeRequest
        {
            Operation = Operation!,
            Method = Method!.ToUpperInvariant(),
            Path = Path ?? "",
            Query = Query ?? [],
            Headers = Headers ?? [],
            Body = body?.ValueKind == JsonValueKind.String ? body.Value.GetString() : body?.GetRawText(),
            BodyIsJson = body is { ValueKind: not JsonValueKind.String },
            CorrelationId = CorrelationId,
        };
    }
}
