using System.Collections.Concurrent;
using System.Diagnostics;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Cluster;

/// <summary>
/// Three real hub processes in one cluster under load: one is killed with SIGKILL or stopped with SIGTERM, and every
/// exchange a silo acknowledged must still be delivered, with its journal entry kept.
/// </summary>
public sealed class ClusterTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const int Exchanges = 120;
    private const int StopAfter = 40;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SigKill_OneSiloUnderLoad_AcknowledgedExchangesDelivered()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await ClusterHarness.StartAsync(await server.CreateDatabaseAsync(cancellationToken), cancellationToken);
        var killed = await PickSiloHostingGrainsAsync(cluster, cancellationToken);

        var killedAt = Stopwatch.StartNew();
        var acknowledged = await RunLoadAsync(cluster, async () =>
        {
            await cluster.Silos[killed].KillAsync();
            killedAt.Restart();
        }, cancellationToken);

        await AssertDeliveredAsync(cluster, acknowledged, cancellationToken);
        await AssertJournaledAsync(cluster, acknowledged, cancellationToken);
        var failover = await MeasureFailoverAsync(cluster, killed, killedAt, cancellationToken);
        var declaredDead = await WaitDeclaredDeadAsync(cluster, killed, killedAt, cancellationToken);
        output.WriteLine($"acknowledged {acknowledged.Count} of {Exchanges}; duplicates at the external system: " +
            $"{cluster.Deliveries.Count(d => d.Value > 1)}; failover {failover.TotalMilliseconds:0} ms after the kill; " +
            $"declared dead {declaredDead.TotalMilliseconds:0} ms after the kill");
    }

    [Fact]
    public async Task SigTerm_OneSiloUnderLoad_AcknowledgedExchangesDelivered()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await ClusterHarness.StartAsync(await server.CreateDatabaseAsync(cancellationToken), cancellationToken);
        var stopped = 1;
        var stopTime = TimeSpan.Zero;

        var acknowledged = await RunLoadAsync(cluster, async () =>
        {
            var clock = Stopwatch.StartNew();
            var exitCode = await cluster.Silos[stopped].StopAsync(TimeSpan.FromSeconds(60));
            stopTime = clock.Elapsed;
            Assert.Equal(0, exitCode);
        }, cancellationToken);

        await AssertDeliveredAsync(cluster, acknowledged, cancellationToken);
        await AssertJournaledAsync(cluster, acknowledged, cancellationToken);
        var status = await cluster.MembershipStatusAsync(stopped, cancellationToken);
        Assert.Equal(HubCluster.DeadStatus, status);
        output.WriteLine($"acknowledged {acknowledged.Count} of {Exchanges}; graceful stop took {stopTime.TotalMilliseconds:0} ms");
    }

    // Activates every endpoint's grain with one exchange, then picks a silo other than 0 that hosts some of them,
    // so the kill always takes grains down with it (placement is random).
    private static async Task<int> PickSiloHostingGrainsAsync(ClusterHarness cluster, CancellationToken cancellationToken)
    {
        for (var i = 0; i < ClusterHarness.EndpointCount; i++)
        {
            Assert.NotNull(await cluster.SubmitAsync($"e{i}", $"warm-{i}", i % ClusterHarness.SiloCount, cancellationToken));
        }

        for (var silo = ClusterHarness.SiloCount - 1; silo > 0; silo--)
        {
            if ((await cluster.EndpointsServedByAsync(silo, cancellationToken)).Count > 0)
            {
                return silo;
            }
        }

        throw new InvalidOperationException("No silo but the first hosts an endpoint grain; placement put all twelve on one.");
    }

    // Sends the exchanges ten at a time across all silos and disrupts one silo after the first StopAfter.
    private static async Task<List<Acknowledgement>> RunLoadAsync(
        ClusterHarness cluster, Func<Task> disrupt, CancellationToken cancellationToken)
    {
        var acknowledged = new ConcurrentBag<Acknowledgement>();
        var next = -1;
        Task? disruption = null;
        var workers = Enumerable.Range(0, 10).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < Exchanges)
            {
                if (index == StopAfter)
                {
                    disruption = disrupt();
                }

                var endpointId = $"e{index % ClusterHarness.EndpointCount}";
                var ack = await cluster.SubmitAsync(endpointId, $"load-{index}", index % ClusterHarness.SiloCount, cancellationToken);
                if (ack is not null)
                {
                    acknowledged.Add(ack);
                }
            }
        });
        await Task.WhenAll(workers);
        await disruption!;
        return [.. acknowledged];
    }

    private static async Task AssertDeliveredAsync(
        ClusterHarness cluster, List<Acknowledgement> acknowledged, CancellationToken cancellationToken)
    {
        Assert.True(acknowledged.Count >= Exchanges - 5, $"only {acknowledged.Count} of {Exchanges} exchanges were acknowledged");
        var deadline = Stopwatch.StartNew();
        while (acknowledged.Any(a => !cluster.Deliveries.ContainsKey(a.Key)) && deadline.Elapsed < DeliveryTimeout)
        {
            await Task.Delay(250, cancellationToken);
        }

        var missing = acknowledged.Where(a => !cluster.Deliveries.ContainsKey(a.Key)).Select(a => a.Key).ToList();
        Assert.True(missing.Count == 0, $"acknowledged but never delivered: {string.Join(", ", missing)}");
    }

    private static async Task AssertJournaledAsync(
        ClusterHarness cluster, List<Acknowledgement> acknowledged, CancellationToken cancellationToken)
    {
        var journal = await cluster.JournalEntryIdsAsync(cancellationToken);
        var lost = acknowledged.Where(a => a.JournalEntryId is { } id && !journal.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"journal entries of acknowledged attempts missing: {string.Join(", ", lost.Select(a => a.Key))}");
    }

    // From the kill to the first exchange served for an endpoint whose grain lived on the killed silo.
    private static async Task<TimeSpan> MeasureFailoverAsync(
        ClusterHarness cluster, int killed, Stopwatch sinceKill, CancellationToken cancellationToken)
    {
        var orphaned = await cluster.EndpointsServedByAsync(killed, cancellationToken);
        Assert.NotEmpty(orphaned);
        var survivor = killed == 0 ? 1 : 0;
        var probe = 0;
        while (sinceKill.Elapsed < DeliveryTimeout)
        {
            var ack = await cluster.SubmitAsync(orphaned[0], $"failover-probe-{probe++}", survivor, cancellationToken);
            if (ack?.Status == "Succeeded")
            {
                return sinceKill.Elapsed;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"No exchange for {orphaned[0]} succeeded within {DeliveryTimeout} of the kill.");
    }

    private static async Task<TimeSpan> WaitDeclaredDeadAsync(
        ClusterHarness cluster, int killed, Stopwatch sinceKill, CancellationToken cancellationToken)
    {
        while (sinceKill.Elapsed < DeliveryTimeout)
        {
            if (await cluster.MembershipStatusAsync(killed, cancellationToken) == HubCluster.DeadStatus)
            {
                return sinceKill.Elapsed;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The killed silo was not declared dead within {DeliveryTimeout}.");
    }
}
