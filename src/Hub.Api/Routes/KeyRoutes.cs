using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Api.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Creating, listing and revoking API keys.
/// </summary>
public static class KeyRoutes
{
    public const int MaxNameLength = 100;

    public static RouteGroupBuilder MapKeyRoutes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/keys").WithTags("Keys");
        group.MapPost("/", CreateAsync)
            .WithName("CreateKey")
            .WithSummary("Create an API key with the given scopes; the key is returned only in this response")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RejectUnknownQuery();
        group.MapGet("/", ListAsync)
            .WithName("ListKeys")
            .WithSummary("List API keys without the keys themselves")
            .RejectUnknownQuery();
        group.MapDelete("/{keyId}", DeleteAsync)
            .WithName("DeleteKey")
            .WithSummary("Revoke an API key on every silo within a second")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        return group;
    }

    private static async Task<Results<Created<CreatedKeyView>, ValidationProblem>> CreateAsync(
        CreateKeyBody body, ApiKeyStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"Required: a name of 1 to {MaxNameLength} characters that says who uses the key.");
        }
        else if (name.Any(char.IsControl))
        {
            errors.Add("name", "Must not contain control characters such as NUL or line breaks.");
        }

        var scopes = CheckScopes(body.Scopes, errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid API key request");
        }

        var (keyId, key) = ApiKeyFormat.Generate();
        var createdAt = time.GetUtcNow();
        await store.InsertAsync(new StoredApiKey(keyId, name!, scopes, ApiKeyFormat.Hash(key), createdAt, null), cancellationToken);
        var view = new CreatedKeyView(keyId, name!, [.. scopes.Select(ApiScopes.Name)], createdAt, key);
        return TypedResults.Created($"/api/keys/{keyId}", view);
    }

    private static async Task<Ok<KeyView[]>> ListAsync(ApiKeyStore store, CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(keys
            .Select(k => new KeyView(k.KeyId, k.Name, [.. k.Scopes.Select(ApiScopes.Name)], k.CreatedAt, k.LastUsedAt))
            .ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string keyId, ApiKeyStore store, ApiKeyAuthenticator authenticator, CancellationToken cancellationToken)
    {
        var name = await store.DeleteAsync(keyId, cancellationToken);
        authenticator.Forget(keyId);
        return name is null ? RouteChecks.NotFound("API key", keyId) : TypedResults.NoContent();
    }

    private static List<ApiScope> CheckScopes(IReadOnlyList<string>? names, Validation errors)
    {
        var scopes = new List<ApiScope>();
        if (names is not { Count: > 0 })
        {
            errors.Add("scopes", "Required: one or more of 'read', 'exchange' and 'admin'.");
            return scopes;
        }

        foreach (var name in names)
        {
            if (ApiScopes.Parse(name) is { } scope)
            {
                if (!scopes.Contains(scope))
                {
                    scopes.Add(scope);
                }
            }
            else
            {
                errors.Add("scopes", $"'{name}' is not a scope; use 'read', 'exchange' or 'admin'.");
            }
        }

        return scopes;
    }
}
