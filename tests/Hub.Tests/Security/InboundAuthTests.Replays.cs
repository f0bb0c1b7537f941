using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Replays of timestamped HMAC requests: the same signature is accepted once within its tolerance window.
/// </summary>
public sealed partial class InboundAuthTests
{
    [Fact]
    public async Task Hmac_Replayed_Gets401AndJournaled()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var marker = $"replay-{Guid.NewGuid():N}";
        var body = $$"""{"marker":"{{marker}}"}""";
        var headers = TimestampedHeaders(body, TimeProvider.System.GetUtcNow());

        var first = await PostWithoutKeyAsync(id, body, headers);
        var replay = await PostWithoutKeyAsync(id, body, headers);
        var rejected = await Hub.WaitForJournalAsync($"endpoint={id}&outcome=Rejected", 1, JournalDeadline);
        var entry = await Hub.GetJsonAsync($"/api/journal/{rejected[0].GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        AssertUnauthorizedProblem(replay);
        Assert.Equal(401, entry.GetProperty("statusCode").GetInt32());
        Assert.Contains("replay", entry.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains(first.Json.GetProperty("journalEntryId").GetString()!, entry.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains(marker, entry.GetProperty("requestBody").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha256=", true)]
    [InlineData("SHA256=", false)]
    public async Task Hmac_ReplayedInOtherSpelling_Gets401(string prefix, bool upperCase)
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"R-2"}""";
        var headers = TimestampedHeaders(body, TimeProvider.System.GetUtcNow());
        var signature = headers["X-Signature"];
        var respelled = new Dictionary<string, string>(headers)
        {
            ["X-Signature"] = prefix + (upperCase ? signature.ToUpperInvariant() : signature),
        };

        var first = await PostWithoutKeyAsync(id, body, headers);
        var replay = await PostWithoutKeyAsync(id, body, respelled);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        AssertUnauthorizedProblem(replay);
    }

    [Fact]
    public async Task Hmac_ConcurrentCopies_OneAccepted()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"R-3"}""";
        var headers = TimestampedHeaders(body, TimeProvider.System.GetUtcNow());

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostWithoutKeyAsync(id, body, headers)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Accepted);
        Assert.Equal(7, responses.Count(r => r.Status == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Hmac_SameBodyNewTimestamp_Accepted()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"R-4"}""";
        var now = TimeProvider.System.GetUtcNow();

        var first = await PostWithoutKeyAsync(id, body, TimestampedHeaders(body, now.AddSeconds(-1)));
        var second = await PostWithoutKeyAsync(id, body, TimestampedHeaders(body, now));

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Accepted, second.Status);
    }

    [Fact]
    public async Task Hmac_ReplayAfterRestart_Gets401()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"R-5"}""";
        var headers = TimestampedHeaders(body, TimeProvider.System.GetUtcNow());
        var first = await PostWithoutKeyAsync(id, body, headers);

        fixture.Hub = await Hub.RestartAsync();
        var replay = await PostWithoutKeyAsync(id, body, headers);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        AssertUnauthorizedProblem(replay);
    }

    [Fact]
    public async Task Hmac_ReplayAfterToleranceRaised_Gets401()
    {
        var id = HubFixture.NewEndpointId("hmac");
        await PutHmacEndpointAsync(id, toleranceSeconds: 5);
        var body = """{"order":"R-7"}""";
        var headers = TimestampedHeaders(body, TimeProvider.System.GetUtcNow());
        var first = await PostWithoutKeyAsync(id, body, headers);

        // Past the first window, the raised tolerance accepts the old timestamp again, so only the record stops it.
        await Task.Delay(TimeSpan.FromSeconds(6.5), TestContext.Current.CancellationToken);
        await PutHmacEndpointAsync(id, toleranceSeconds: 3600);
        var replay = await PostWithoutKeyAsync(id, body, headers);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        AssertUnauthorizedProblem(replay);
    }

    [Fact]
    public async Task Hmac_WithoutTimestamp_SameRequestAcceptedTwice()
    {
        var id = await CreateHmacEndpointAsync(timestamped: false);
        var body = """{"order":"R-6"}""";
        var headers = new Dictionary<string, string> { ["X-Signature"] = Sign(_hmacSecret, body) };

        var first = await PostWithoutKeyAsync(id, body, headers);
        var second = await PostWithoutKeyAsync(id, body, headers);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Accepted, second.Status);
    }

    private Task PutHmacEndpointAsync(string id, int toleranceSeconds) => Hub.PutEndpointAsync(id, new
    {
        baseUrl = _system.BaseUrl,
        inboundAuth = new { type = "hmac", header = "X-Signature", secret = _hmacSecret, timestampHeader = "X-Timestamp", toleranceSeconds },
    });

    private Dictionary<string, string> TimestampedHeaders(string body, DateTimeOffset time)
    {
        var timestamp = UnixSeconds(time);
        return new() { ["X-Signature"] = Sign(_hmacSecret, timestamp + "." + body), ["X-Timestamp"] = timestamp };
    }
}
