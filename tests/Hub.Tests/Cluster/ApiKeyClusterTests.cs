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

    // Polling goes on past the cache lifetime, so that a failure message shows how late the rejection came.
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
        var (rejection, acceptedAfterDelete, lastAcceptedSentAt) = await PollUntilRejectedAsync(key, sinceDelete, cancellationToken);
        var delay = sinceDelete.Elapsed;
        using var rejected = rejection;
        var text = await rejected.Content.ReadAsStringAsync(cancellationToken);

        output.WriteLine(
            $"The second silo rejected the deleted key {delay.TotalMilliseconds:0} ms after DELETE returned " +
            $"({sinceWarm.Elapsed.TotalMilliseconds:0} ms after the request that cached it); " +
            $"it accepted {acceptedAfterDelete} requests in between, the last one sent " +
            $"{lastAcceptedSentAt.TotalMilliseconds:0} ms after DELETE returned.");
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(ProblemMediaType, rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal("API key invalid", JsonDocument.Parse(text).RootElement.GetProperty("title").GetString());

        // The second silo read the key before DELETE returned, so a request sent one cache lifetime after that must
        // be rejected. The bound holds on a loaded machine too, because it counts from when a request was sent.
        Assert.True(
            lastAcceptedSentAt < ApiKeyAuthenticator.CacheLifetime,
            $"The second silo accepted a request sent {lastAcceptedSentAt.TotalMilliseconds:0} ms after DELETE returned. " +
            $"The cache lifetime is {ApiKeyAuthenticator.CacheLifetime.TotalMilliseconds:0} ms.");
    }

    // Sends the key to the second silo until a response is not 200, or until PollTimeout passes. Returns that last
    // response, the number of 200 responses before it, and when the last of those was sent, on the given clock.
    private async Task<(HttpResponseMessage Response, int Accepted, TimeSpan LastAcceptedSentAt)> PollUntilRejectedAsync(
        string key, Stopwatch clock, CancellationToken cancellationToken)
    {
        var accepted = 0;
        var lastAcceptedSentAt = TimeSpan.Zero;
        while (true)
        {
            var sentAt = clock.Elapsed;
            var response = await KeyClient.SendAsync(_second.BaseUrl, key, HttpMethod.Get, "/api/status");
            if (response.StatusCode != HttpStatusCode.OK || clock.Elapsed > PollTimeout)
            {
                return (response, accepted, lastAcceptedSentAt);
            }

            response.Dispose();
            accepted++;
            lastAcceptedSentAt = sentAt;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
