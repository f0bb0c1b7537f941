using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Turns the presented <c>X-Api-Key</c> into an <see cref="ApiCaller"/>. Rows are cached for at most
/// <see cref="CacheLifetime"/>, so a key deleted on one silo stops working on every silo within that time.
/// </summary>
public sealed partial class ApiKeyAuthenticator(
    ApiKeyStore store, IOptions<ApiKeyOptions> options, TimeProvider time, ILogger<ApiKeyAuthenticator> logger)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    /// <summary>Minimum time between two writes of a key's <c>last_used_at</c>.</summary>
    public static readonly TimeSpan LastUsedWritePeriod = TimeSpan.FromMinutes(1);

    // Bounds the cache when callers send many different well-formed but unknown key ids.
    private const int MaxCachedKeys = 10_000;

    private static readonly ApiCaller AdminCaller = new(ApiCaller.AdminKeyId, "HUB_API_KEY", [ApiScope.Admin]);

    private readonly byte[] _adminKeyHash = ApiKeyFormat.Hash(options.Value.AdminKey);
    private readonly ConcurrentDictionary<string, (StoredApiKey? Key, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUsedWritten = new(StringComparer.Ordinal);

    /// <summary>Returns the caller a key belongs to, or null for an unknown or deleted key.</summary>
    public async Task<ApiCaller?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var hash = ApiKeyFormat.Hash(presented);
        if (CryptographicOperations.FixedTimeEquals(hash, _adminKeyHash))
        {
            return AdminCaller;
        }

        if (ApiKeyFormat.KeyIdOf(presented) is not { } keyId)
        {
            return null;
        }

        var stored = await FindAsync(keyId, cancellationToken);
        if (stored is null || !CryptographicOperations.FixedTimeEquals(hash, stored.KeyHash))
        {
            return null;
        }

        await NoteUseAsync(keyId, cancellationToken);
        return new ApiCaller(stored.KeyId, stored.Name, stored.Scopes);
    }

    /// <summary>Drops a key from this silo's cache at once; other silos drop it within <see cref="CacheLifetime"/>.</summary>
    public void Forget(string keyId) => _cache.TryRemove(keyId, out _);

    private async Task<StoredApiKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(keyId, out var cached) && now - cached.ReadAt < CacheLifetime)
        {
            return cached.Key;
        }

        var stored = await store.FindAsync(keyId, cancellationToken);
        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[keyId] = (stored, now);
        return stored;
    }

    private async Task NoteUseAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastUsedWritten.TryGetValue(keyId, out var written) && now - written < LastUsedWritePeriod)
        {
            return;
        }

        _lastUsedWritten[keyId] = now;
        try
        {
            await store.TouchAsync(keyId, now, cancellationToken);
        }
        catch (Exception error) when (error is Npgsql.NpgsqlException or TimeoutException)
        {
            // The request still proceeds: a stale last-used time is better than refusing a valid key.
            _lastUsedWritten.TryRemove(keyId, out _);
            LogLastUsedWriteFailed(logger, keyId, error);
        }
    }

    [LoggerMessage(EventId = HubEventIds.ApiKeyLastUsedWriteFailed, Level = LogLevel.Warning,
        Message = "Writing the last-used time of API key {KeyId} failed; retrying on its next request")]
    private static partial void LogLastUsedWriteFailed(ILogger logger, string keyId, Exception error);
}
