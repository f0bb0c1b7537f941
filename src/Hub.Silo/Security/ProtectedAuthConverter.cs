using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;
using Microsoft.AspNetCore.DataProtection;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// Writes <see cref="EndpointAuth"/> into grain storage with its token, password and header value encrypted by
/// Data Protection, and decrypts them when the grain state is read on activation. Grains see plain values in
/// memory only.
/// </summary>
public sealed partial class ProtectedAuthConverter(IDataProtectionProvider provider, ILogger logger)
    : JsonConverter<EndpointAuth>
{
    /// <summary>Marks a protected value, so values stored before encryption was added still read as plain text.</summary>
    public const string Prefix = "dp1:";

    private const string Purpose = "CrmAI.Hub.EndpointCredentials.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public override EndpointAuth? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var stored = JsonSerializer.Deserialize<StoredAuth>(ref reader, options);
        if (stored is null)
        {
            return null;
        }

        return new EndpointAuth
        {
            Type = stored.Type,
            Token = Unprotect(stored.Token),
            Username = stored.Username,
            Password = Unprotect(stored.Password),
            HeaderName = stored.HeaderName,
            HeaderValue = Unprotect(stored.HeaderValue),
        };
    }

    public override void Write(Utf8JsonWriter writer, EndpointAuth value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var stored = new StoredAuth(
            value.Type, Protect(value.Token), value.Username, Protect(value.Password), value.HeaderName, Protect(value.HeaderValue));
        JsonSerializer.Serialize(writer, stored, options);
    }

    /// <summary>Encrypts one secret value and marks it with <see cref="Prefix"/>, or returns null for null.</summary>
    internal string? Protect(string? plain) => plain is null ? null : Prefix + _protector.Protect(plain);

    // A value that cannot be decrypted becomes null: the endpoint then fails authentication and turns AuthFailed,
    // and new credentials sent with PUT /api/endpoints/{id}/credentials replace it.
    internal string? Unprotect(string? stored)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored;
        }

        try
        {
            return _protector.Unprotect(stored[Prefix.Length..]);
        }
        catch (CryptographicException error)
        {
            LogUnprotectFailed(logger, error);
            return null;
        }
    }

    [LoggerMessage(EventId = HubEventIds.CredentialsUnprotectFailed, Level = LogLevel.Error,
        Message = "Decrypting stored endpoint credentials failed, so the endpoint runs without them. The Data " +
            "Protection key ring lacks their key: restore hub_data_protection_keys or send the credentials again")]
    private static partial void LogUnprotectFailed(ILogger logger, Exception error);

    private sealed record StoredAuth(
        EndpointAuthType Type, string? Token, string? Username, string? Password, string? HeaderName, string? HeaderValue);
}
