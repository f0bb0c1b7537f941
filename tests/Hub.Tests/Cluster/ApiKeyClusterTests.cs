using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Security;
using Xunit;

namespace CrmAI.Hub.Tests.Cluster;

/// <summary>
/// API keys across two hub processes of one cluster: a key created through the first silo works on the second, keeps
/// its scopes there, and stops working there soon after it is deleted through the first.
/// </summary>
public sealed class ApiKeyClusterTests(TwoSiloFixture fixture, ITestOutputHelper output) : IClassFixture<TwoSiloFixture>
{
    private const string ProblemMediaType = "application/problem+json";

    // The second silo may serve a deleted key from its cache for ApiKeyAuthenticator.CacheLifetime (1 s). The rest
    // is slack for a loaded test machine.
    private static readonly TimeSpan MaxRevocationDelay = TimeSpan.FromSeconds(3);

    // Polling goes on past MaxRevocationDelay, so that a failure message shows how late the rejection came.
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly HubProcess _first = fixture.First;
    private readonly HubProcess _second = fixture.Second;

    [Fact]
    public async Task Membership_BothSilos_Active()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var first = await fixture.Cluster.MembershipStatusAsync(0, cancellationToken);
        var second = await fixture.Cluster.MembershipStatusAsync(1, cancellationToken);

        Assert.Equal(HubCluster.ActiveStatus, first);
        Assert.Equal(HubCluster.ActiveStatus, second);
    }

    [Fact]
    public async Task Key_CreatedOnFirstSilo_AcceptedOnSecond()
    {
        var (_, key) = await KeyClient.CreateAsync(_first.Client, "created-on-first", "read");

        using var response = await KeyClient.SendAsync(_second.BaseUrl, key, HttpMethod.Get, "/api/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReadKey_AdminRouteOnSecondSilo_Gets403()
    {
        var (_, key) = await KeyClient.CreateAsync(_first.Client, "read-only", "read");

        using var response = await KeyClient.SendAsync(_second.BaseUrl, key, HttpMethod.Get, "/api/keys");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemMediaType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Scope missing", problem.GetProperty("title").GetString());
        Assert.Contains("'admin' scope", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_OnFirstSilo_SecondRejectsSoon()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (id, key) = await KeyClient.CreateAsync(_first.Client, "revoked-in-cluster", "read");

        // This request puts the key into the second silo's cache, so the poll below measures the cache lifetime.
        using var warm = await KeyClient.SendAsync(_second.BaseUrl, key, HttpMethod.Get, "/api/status");
        var sinceWarm = Stopwatch.StartNew();
        using var deleted = await _first.Client.DeleteAsync($"/api/keys/{id}", cancellationToken);
        var sinceDelete = Stopwatch.StartNew();
        var (rejection, acceptedAfterDelete) = await PollUntilRejectedAsync(key, cancellationToken);
        var delay = sinceDelete.Elapsed;
        using var rejected = rejection;
        var text = await rejected.Content.ReadAsStringAsync(cancellationToken);

        output.WriteLine(
            $"The second silo rejected the deleted key {delay.TotalMilliseconds:0} ms after DELETE returned " +
            $"({sinceWarm.Elapsed.TotalMilliseconds:0} ms after the request that cached it); " +
            $"it accepted {acceptedAfterDelete} requests in between.");
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(ProblemMediaType, rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal("API key invalid", JsonDocument.Parse(text).RootElement.GetProperty("title").GetString());
        Assert.True(
            delay <= MaxRevocationDelay,
            $"The second silo rejected the deleted key only {delay.TotalMilliseconds:0} ms after DELETE returned. " +
            $"The cache lifetime is {ApiKeyAuthenticator.CacheLifetime.TotalMilliseconds:0} ms " +
            $"and the limit {MaxRevocationDelay.TotalMilliseconds:0} ms.");
    }

    // Sends the key to the second silo until a response is not 200, or until PollTimeout passes. Returns that last
    // response and the number of 200 responses before it.
    private async Task<(HttpResponseMessage Response, int Accepted)> PollUntilRejectedAsync(
        string key, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var accepted = 0;
        while (true)
        {
            var response = await KeyClient.SendAsync(_second.BaseUrl, key, HttpMethod.Get, "/api/status");
            if (response.StatusCode != HttpStatusCode.OK || clock.Elapsed > PollTimeout)
            {
                return (response, accepted);
            }

            response.Dispose();
            accepted++;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
