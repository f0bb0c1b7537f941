using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Outbound;
using CrmAI.Hub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Outbound requests cannot reach loopback, link-local, private or metadata addresses while
/// <c>Hub:AllowPrivateNetworks</c> is false: the base URL is checked when it is stored, and every address when
/// it is connected to. No test here opens a connection to a non-loopback address, because the hub connects
/// through <see cref="RecordingOpener"/>.
/// </summary>
[Collection(GuardedHubDefinition.Name)]
public sealed class OutboundGuardTests(GuardedHubFixture fixture)
{
    private readonly HubInstance _hub = fixture.Hub;

    public static TheoryData<string> PrivateLiteralUrls => new()
    {
        "http://127.0.0.1:8080/",
        "http://[::1]:8080/",
        "http://0.0.0.0/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://localhost:8080/",
        "http://api.localhost/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
    };

    public static TheoryData<string> PrivateNameUrls => new()
    {
        "http://loopback.test/",
        "http://loopback6.test/",
        "http://unspecified.test/",
        "http://metadata.test/",
        "http://metadata6.test/",
        "http://ten.test/",
        "http://home.test/",
        "http://mapped.test/",
        "http://unique-local.test/",
    };

    [Theory]
    [MemberData(nameof(PrivateLiteralUrls))]
    public async Task PutEndpoint_PrivateLiteral_Gets400NamingBaseUrl(string baseUrl)
    {
        using var response = await _hub.Client.PutAsJsonAsync($"/api/endpoints/{HubFixture.NewEndpointId("guard")}", new { baseUrl }, TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = problem.GetProperty("errors").GetProperty("baseUrl").EnumerateArray().Select(m => m.GetString());
        Assert.Contains(messages, m => m!.Contains("Hub:AllowPrivateNetworks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PutEndpoint_PublicName_Accepted()
    {
        await _hub.PutEndpointAsync(HubFixture.NewEndpointId("guard"), new { baseUrl = "http://ten.test/" });
    }

    [Theory]
    [MemberData(nameof(PrivateLiteralUrls))]
    [MemberData(nameof(PrivateNameUrls))]
    public async Task Exchange_PrivateAddress_FailsAtOnceWithoutConnecting(string baseUrl)
    {
        var id = await ConfigureDirectlyAsync(baseUrl);

        var result = await _hub.ExchangeAsync(id, new { operation = "probe", method = "GET", path = "/x" });

        Assert.Equal("Failed", result.GetProperty("status").GetString());
        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Contains("is not allowed", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Hub:AllowPrivateNetworks", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        AssertOnlyPublicTargets();
    }

    [Theory]
    [InlineData("http://10.0.0.1/orders")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://127.0.0.1:1/admin")]
    [InlineData("http://ten.test/orders")]
    [InlineData("http://[::1]/orders")]
    public async Task Exchange_RedirectToPrivateAddress_Rejected(string target)
    {
        await using var system = await ExternalSystem.StartAsync();
        system.Default = Respond.Bytes(302, null, [], new Dictionary<string, string> { ["Location"] = target });
        var id = await ConfigureDirectlyAsync($"http://stand-in.test:{system.BaseUrl.Port}/", maxRedirects: 3);

        var result = await _hub.ExchangeAsync(id, new { operation = "probe", method = "GET", path = "/start" });
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.Contains("is not allowed", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Single(system.Requests);
        var hop = Assert.Single(entry.GetProperty("redirects").EnumerateArray());
        Assert.Equal(302, hop.GetProperty("statusCode").GetInt32());
        Assert.Equal(new Uri(target), new Uri(hop.GetProperty("to").GetString()!));
        AssertOnlyPublicTargets();
    }

    [Fact]
    public async Task Exchange_RedirectToPublicHost_Followed()
    {
        await using var system = await ExternalSystem.StartAsync();
        var origin = $"http://stand-in.test:{system.BaseUrl.Port}";
        system.Enqueue(Respond.Bytes(307, null, [], new Dictionary<string, string> { ["Location"] = $"{origin}/moved" }));
        var id = await ConfigureDirectlyAsync($"{origin}/", maxRedirects: 1);

        var result = await _hub.ExchangeAsync(id, new { operation = "probe", method = "GET", path = "/start" });

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.Equal(["/start", "/moved"], system.Requests.Select(r => r.PathAndQuery));
        AssertOnlyPublicTargets();
    }

    [Fact]
    public async Task Exchange_PublicAddress_ReachesConnectionOpener()
    {
        var id = await ConfigureDirectlyAsync("http://public.test:8443/");

        var result = await _hub.ExchangeAsync(id, new { operation = "probe", method = "GET", path = "/x" });

        Assert.Contains(fixture.Opener.Targets, target => target.Equals(new IPEndPoint(IPAddress.Parse("203.0.113.10"), 8443)));
        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.DoesNotContain("is not allowed", result.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    public void Classify_NonPublicAddress_ReturnsKind(string address, string kind)
    {
        Assert.Equal(kind, AddressPolicy.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "cloud metadata")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2002:a00:1::", "private")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("::10.0.0.1", "private")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.255", "benchmarking")]
    public void Classify_EmbeddedOrReservedAddress_ReturnsKind(string address, string kind)
    {
        Assert.StartsWith(kind, AddressPolicy.Classify(IPAddress.Parse(address)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_OwnInterfaceAddress_Rejected()
    {
        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(network => network.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                && AddressPolicy.Classify(address) is null);
        Assert.SkipWhen(own is null, "This machine has no public-looking IPv4 interface address to test with.");
        var id = await ConfigureDirectlyAsync($"http://{own}:8080/");

        var result = await _hub.ExchangeAsync(id, new { operation = "probe", method = "GET", path = "/x" });

        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.Contains("this host's own", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Opener.Targets, target => target.Address.Equals(own));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("203.0.113.10")]
    [InlineData("2001:4860:4860::8888")]
    public void Classify_PublicAddress_ReturnsNull(string address)
    {
        Assert.Null(AddressPolicy.Classify(IPAddress.Parse(address)));
    }

    // Stores the configuration through the grain, past the API's check of the base URL, so the connect-time check
    // is tested on its own.
    private async Task<string> ConfigureDirectlyAsync(string baseUrl, int maxRedirects = 0)
    {
        var id = HubFixture.NewEndpointId("guard");
        var grains = _hub.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IEndpointGrain>(id).ConfigureAsync(new EndpointConfig { BaseUrl = new Uri(baseUrl), MaxRedirects = maxRedirects });
        return id;
    }

    // The guard rejects an address before the opener is called, so the opener never receives a non-public one.
    private void AssertOnlyPublicTargets() =>
        Assert.All(fixture.Opener.Targets, target => Assert.Null(AddressPolicy.Classify(target.Address)));
}
