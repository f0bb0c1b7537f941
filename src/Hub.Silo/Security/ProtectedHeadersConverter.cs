using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// Writes an endpoint's configured headers into grain storage with the value of every header whose name looks secret
/// (<see cref="Redactor.IsSecretHeader"/>) encrypted like the credentials of <see cref="ProtectedAuthConverter"/>.
/// Registered for grain storage only, where <c>EndpointConfig.Headers</c> is the one property of this type.
/// </summary>
public sealed class ProtectedHeadersConverter(ProtectedAuthConverter credentials)
    : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override IReadOnlyDictionary<string, string>? Read(
        ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options);
        if (stored is null)
        {
            return null;
        }

        // A value that cannot be decrypted is left out, so the request goes without it and the journal shows why
        // the external system refused it.
        var headers = new Dictionary<string, string>(stored.Count);
        foreach (var (name, value) in stored)
        {
            if (credentials.Unprotect(value) is { } plain)
            {
                headers[name] = plain;
            }
        }

        return headers;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var stored = value.ToDictionary(
            header => header.Key,
            header => Redactor.IsSecretHeader(header.Key) ? credentials.Protect(header.Value)! : header.Value);
        JsonSerializer.Serialize(writer, stored, options);
    }
}
