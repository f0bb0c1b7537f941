using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace CrmAI.Hub.Tests.Cluster;

/// <summary>
/// Three hub processes forming one Orleans cluster through the membership table of one test database, an external
/// system that counts deliveries by <c>Idempotency-Key</c>, and a client that retries on another silo with the
/// same key when a silo fails under it.
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    public const int SiloCount = 3;
    public const int EndpointCount = 12;

    private static readonly string[] RetrySchedule = ["1s"];

    // Short probes let the other silos declare a killed silo dead within seconds, and a short reminder period
    // runs durable retries soon after a failover.
    private static readonly Dictionary<string, string> SiloSettings = new()
    {
        ["HUB_PROBE_TIMEOUT"] = "1",
        ["HUB_MISSED_PROBES"] = "2",
        ["Retries__ReminderPeriod"] = "00:00:02",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private readonly HubCluster _cluster;

    private ClusterHarness(HubCluster cluster, ExternalSystem crm)
    {
        _cluster = cluster;
        Crm = crm;
    }

    public string Database => _cluster.Database;

    public ExternalSystem Crm { get; }

    public List<HubProcess> Silos => _cluster.Silos;

    /// <summary>Deliveries per Idempotency-Key that the external system answered with 200.</summary>
    public ConcurrentDictionary<string, int> Deliveries { get; } = new();

    /// <summary>
    /// Starts the external system and the silos, and configures the endpoints through all silos in turn. On a failure,
    /// everything already started is stopped before the error is rethrown.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(string database, CancellationToken cancellationToken)
    {
        var crm = await ExternalSystem.StartAsync();
        HubCluster cluster;
        try
        {
            cluster = await HubCluster.StartAsync(database, SiloCount, SiloSettings, cancellationToken);
        }
        catch
        {
            await crm.DisposeAsync();
            throw;
        }

        var harness = new ClusterHarness(cluster, crm);
        crm.Default = harness.DeliverAsync;
        try
        {
            await harness.AddEndpointsAsync(cancellationToken);
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }

        return harness;
    }

    /// <summary>
    /// Submits one exchange with its own Idempotency-Key, starting at silo <paramref name="first"/> and moving to the
    /// next live silo on a network error or a 5xx, as an integrator would for up to <see cref="SubmitPatience"/>.
    /// Returns the acknowledgement, or null when no silo accepted it in that time.
    /// </summary>
    public async Task<Acknowledgement?> SubmitAsync(string endpointId, string key, int first, CancellationToken cancellationToken)
    {
        // Long enough to outlast a failover on a loaded machine, where the killed silo's grains return 503 until the
        // cluster declares it dead.
        var patience = Stopwatch.StartNew();
        for (var attempt = 0; patience.Elapsed < SubmitPatience; attempt++)
        {
            var silo = Silos[(first + attempt) % SiloCount];
            if (silo.HasExited)
            {
                continue;
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/endpoints/{endpointId}/exchanges")
                {
                    Content = JsonContent.Create(new { operation = "orders.create", method = "POST", path = "/orders", body = new { key } }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await silo.Client.SendAsync(request, cancellationToken);
                if ((int)response.StatusCode is 200 or 202)
                {
                    var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    return new Acknowledgement(
                        key,
                        endpointId,
                        json.GetProperty("exchangeId").GetGuid(),
                        json.GetProperty("status").GetString()!,
                        json.TryGetProperty("journalEntryId", out var entry) && entry.ValueKind == JsonValueKind.String ? entry.GetGuid() : null);
                }
            }
            catch (HttpRequestException)
            {
                // The silo went away mid-request; the same key on another silo never runs the exchange twice.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The client's timeout ran out, which a killed silo's connection can also end in. The key makes the
                // retry safe here too.
            }

            await Task.Delay(200, cancellationToken);
        }

        return null;
    }

    /// <summary>How long <see cref="SubmitAsync"/> keeps trying one exchange.</summary>
    public static TimeSpan SubmitPatience { get; } = TimeSpan.FromSeconds(20);

    public async Task<HashSet<Guid>> JournalEntryIdsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT id FROM journal_entries", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Returns the endpoints whose attempts silo <paramref name="index"/> ran, by the journal.</summary>
    public async Task<List<string>> EndpointsServedByAsync(int index, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT DISTINCT endpoint_id FROM journal_entries WHERE silo = $1", connection);
        command.Parameters.AddWithValue(_cluster.SiloName(index));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(reader.GetString(0));
        }

        return endpoints;
    }

    /// <summary>Returns the membership status of silo <paramref name="index"/>, or null without a row.</summary>
    public Task<int?> MembershipStatusAsync(int index, CancellationToken cancellationToken) =>
        _cluster.MembershipStatusAsync(index, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _cluster.DisposeAsync();
        }
        finally
        {
            await Crm.DisposeAsync();
        }
    }

    private async Task AddEndpointsAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < EndpointCount; i++)
        {
            // Each silo configures a share, so the grains spread even when a busy silo's membership view lists only itself.
            using var response = await Silos[i % SiloCount].Client.PutAsJsonAsync($"/api/endpoints/e{i}", new
            {
                baseUrl = Crm.BaseUrl,
                retry = new { immediate = 1, schedule = RetrySchedule, circuit = new { consecutiveFailures = 1000 } },
            }, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task DeliverAsync(HttpContext context)
    {
        await Task.Delay(20, context.RequestAborted);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        Deliveries.AddOrUpdate(key, 1, (_, count) => count + 1);
        await Respond.Json(200, """{"ok":true}""")(context);
    }
}

/// <summary>
/// An exchange that a silo acknowledged with 200 or 202.
/// </summary>
internal sealed record Acknowledgement(string Key, string EndpointId, Guid ExchangeId, string Status, Guid? JournalEntryId);
