using Microsoft.AspNetCore.Http;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// The body size limit that <see cref="BodyLimitMiddleware"/> chose for a request.
/// </summary>
/// <param name="PayloadBytes">Largest body the request may carry: the whole body, or for an exchange submission
/// the body inside its JSON.</param>
/// <param name="WireBytes">Largest request body Kestrel reads before it returns 413.</param>
/// <param name="Setting">The setting that decides the limit, for error messages.</param>
public sealed record BodyLimit(long PayloadBytes, long WireBytes, string Setting)
{
    /// <summary>Room for the other members of an exchange submission around its body.</summary>
    public const int EnvelopeBytes = 64 * 1024;

    /// <summary>How much larger than the body its JSON string may be: escaping turns two bytes of Cyrillic
    /// UTF-8 into the six of a <c>\uXXXX</c> escape.</summary>
    public const int JsonGrowth = 4;

    public static BodyLimit? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(typeof(BodyLimit), out var limit) ? limit as BodyLimit : null;
    }

    /// <summary>Describes, for a 413 response, which limit the body exceeded and how to change it.</summary>
    public string Describe() => PayloadBytes == WireBytes
        ? $"The request body exceeds {WireBytes} bytes, the limit set by {Setting}. Send a smaller body."
        : $"The submission exceeds {WireBytes} bytes, the most that a body of {PayloadBytes} bytes ({Setting}) may take " +
          "as JSON. Send a smaller body.";
}

/// <summary>
/// Marks a route whose body belongs to one endpoint, so that the endpoint's <c>maxBodyBytes</c> limits it.
/// </summary>
/// <param name="InJson">True when the body travels inside a JSON submission, as the body of an exchange does.</param>
public sealed record EndpointBodyLimitMetadata(bool InJson);
