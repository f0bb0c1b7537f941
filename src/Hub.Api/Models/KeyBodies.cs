using System.Text.Json.Serialization;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// Body of <c>POST /api/keys</c>: a name for people to recognise the key by, and its scopes.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateKeyBody(string? Name = null, IReadOnlyList<string>? Scopes = null);

/// <summary>
/// An API key as <c>GET /api/keys</c> lists it, without the key itself.
/// </summary>
public sealed record KeyView(
    string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// A new API key. <see cref="Key"/> is returned only in this response; the hub keeps only its hash.
/// </summary>
public sealed record CreatedKeyView(
    string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string Key);
