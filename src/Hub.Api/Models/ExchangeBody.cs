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
        else if (Operation.Any(char.IsControl))
        {
            errors.Add("operation", "Must not contain control characters such as NUL or line breaks.");
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
        else if (Method.Equals("CONNECT", StringComparison.OrdinalIgnoreCase) || Method.Equals("TRACE", StringComparison.OrdinalIgnoreCase))
        {
            // CONNECT opens a tunnel rather than a request, and TRACE echoes the request, credentials included.
            errors.Add("method", $"{Method.ToUpperInvariant()} is not allowed for exchanges; use GET, POST, PUT, PATCH, DELETE or another method.");
        }

        if (ExchangeUrl.Validate(Path ?? "") is { } problem)
        {
            errors.Add("path", $"The path {problem}.");
        }

        errors.CheckHeaders("headers", Headers);
        foreach (var (name, _) in (Query ?? []).Where(pair => pair.Value is null))
        {
            errors.Add($"query.{name}", "Query values must be strings; send \"\" for an empty value.");
        }

        if (CorrelationId is { Length: > MaxTextLength })
        {
            errors.Add("correlationId", $"Must be at most {MaxTextLength} characters.");
        }
        else if (CorrelationId?.Any(char.IsControl) == true)
        {
            errors.Add("correlationId", "Must not contain control characters such as NUL or line breaks.");
        }

        if (Body is { } json && BodyProblem(json) is { } bodyProblem)
        {
            errors.Add("body", bodyProblem);
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

    // The journal redacts the body through a JSON tree, which cannot contain a name twice in one object or a string
    // that is not valid Unicode. Receivers also disagree on which of two equal names wins, so such bodies are rejected.
    private static string? BodyProblem(JsonElement element)
    {
        try
        {
            return FindBodyProblem(element);
        }
        catch (InvalidOperationException)
        {
            return "Contains text that is not valid Unicode: an escaped lone surrogate such as \\ud800, or bytes that " +
                "are not UTF-8. Escape characters outside the Basic Multilingual Plane as surrogate pairs.";
        }
    }

    private static string? FindBodyProblem(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name))
                    {
                        return $"Repeats the name '{property.Name}' in one object; send each name once.";
                    }

                    if (FindBodyProblem(property.Value) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(FindBodyProblem).FirstOrDefault(problem => problem is not null);
            case JsonValueKind.String:
                _ = element.GetString();
                return null;
            default:
                return null;
        }
    }
}
