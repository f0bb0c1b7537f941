using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// Writes <see cref="InboundAuth"/> into grain storage with its secret encrypted the same way, and under the same
/// Data Protection purpose, as the outbound credentials of <see cref="ProtectedAuthConverter"/>.
/// </summary>
public sealed class ProtectedInboundAuthConverter(ProtectedAuthConverter credentials) : JsonConverter<InboundAuth>
{
    public override InboundAuth? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var stored = JsonSerializer.Deserialize<StoredInboundAuth>(ref reader, options);
        if (stored is null)
        {
            return null;
        }

        return new InboundAuth
        {
            Type = stored.Type,
            Header = stored.Header,
            Secret = credentials.Unprotect(stored.Secret),
            TimestampHeader = stored.TimestampHeader,
            Tolerance = stored.Tolerance,
        };
    }

    public override void Write(Utf8JsonWriter writer, InboundAuth value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var stored = new StoredInboundAuth(
            value.Type, value.Header, credentials.Protect(value.Secret), value.TimestampHeader, value.Tolerance);
        JsonSerializer.Serialize(writer, stored, options);
    }

    private sealed record StoredInboundAuth(
        InboundAuthType Type, string Header, string? Secret, string? TimestampHeader, TimeSpan Tolerance);
}
