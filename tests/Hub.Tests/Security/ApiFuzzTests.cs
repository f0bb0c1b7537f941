using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Sends hostile input to every API operation that takes a JSON body or query parameters, and to the inbound route:
/// malformed JSON, a wrong type or a huge value in each field, and bad query and route values. The hub must never
/// return 5xx, every 4xx must be a ProblemDetails whose title and detail name the problem, and the hub must still
/// serve requests afterwards.
/// </summary>
/// <remarks>
/// Bodies and queries come from a seeded <see cref="Random"/>. A failure prints the seed and the request, and writes
/// the request byte for byte under the temporary folder. Set <see cref="SeedsVariable"/> to replay a seed or to run
/// others.
/// </remarks>
[Collection(SharedHubDefinition.Name)]
public sealed partial class ApiFuzzTests(HubFixture fixture) : IAsyncLifetime
{
    /// <summary>Environment variable that replaces the default seeds: <c>17</c>, <c>3,9</c> or <c>100-119</c>.</summary>
    public const string SeedsVariable = "HUB_FUZZ_SEEDS";

    private const int DefaultSeedCount = 5;
    private const int CasesPerBodyRoute = 40;
    private const int CasesPerQueryRoute = 12;
    private const int CasesPerRouteValue = 6;
    private const int Parallelism = 4;

    // Below the default refill of a key's rate limit (500 per second), so no request of the pass gets 429 and
    // every one reaches its handler.
    private const int MaxRequestsPerSecond = 400;
    private const int ReportedFailures = 8;
    private const string InboundKey = "POST /api/inbound/{endpointId}";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] BusinessKeys = ["$.order.number"];

    // Media types sent in place of application/json now and then.
    private static readonly string[] OddContentTypes =
    [
        "application/json; charset=utf-16", "application/json; charset=bogus", "application/json; charset=",
        "text/json", "application/merge-patch+json", "application/json;;;", "application/x-www-form-urlencoded",
    ];

    // Values of Idempotency-Key and X-Correlation-Id: empty, blank, too long, past the header limit, and odd ASCII.
    // NOTE: HttpClient refuses to send CR, LF, NUL and non-ASCII characters in headers, so none of them is here.
    private static readonly string[] OddHeaderValues =
    [
        "", " ", new('k', 201), new('k', 20 * 1024), "a\tb", "\u007f", "%00", "key with spaces", "\"quoted\"", "a,b",
    ];

    private readonly HubInstance _hub = fixture.Hub;
    private readonly string _exchangeEndpoint = HubFixture.NewEndpointId("fuzz");
    private readonly string _configEndpoint = HubFixture.NewEndpointId("fuzzcfg");
    private readonly ConcurrentBag<string> _createdKeys = [];
    private readonly ConcurrentBag<string> _createdEndpoints = [];
    private ExternalSystem _external = null!;
    private string _savedAlertRules = "";
    private string _fuzzKeyId = "";
    private string _fuzzKey = "";

    public static TheoryData<int> Seeds => [.. ReadSeeds(Environment.GetEnvironmentVariable(SeedsVariable))];

    public async ValueTask InitializeAsync()
    {
        _external = await ExternalSystem.StartAsync();

        // Business keys make the journal read values out of the fuzzed exchange and inbound bodies.
        await _hub.PutEndpointAsync(_exchangeEndpoint, new { baseUrl = _external.BaseUrl.ToString(), businessKeys = BusinessKeys });
        await _hub.PutEndpointAsync(_configEndpoint, Baselines()["PUT /api/endpoints/{endpointId}"].Body);
        var rules = await _hub.SendAsync(HttpMethod.Get, "/api/alert-rules");
        _savedAlertRules = rules.Text;

        // An admin key of its own, so the pass uses its own rate limit and not that of the fixture's key.
        var key = await _hub.SendAsync(HttpMethod.Post, "/api/keys", """{"name":"api fuzz","scopes":["admin"]}""");
        _fuzzKeyId = key.Json.GetProperty("id").GetString()!;
        _fuzzKey = key.Json.GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        // Valid fuzz requests change the hub-wide alert rules and create keys and endpoints, which other tests of the
        // hub must not see. Endpoints that forward to others go first, because a forward target cannot be deleted.
        await _hub.SendAsync(HttpMethod.Put, "/api/alert-rules", _savedAlertRules);
        foreach (var keyId in _createdKeys.Append(_fuzzKeyId))
        {
            await _hub.SendAsync(HttpMethod.Delete, $"/api/keys/{keyId}");
        }

        foreach (var endpointId in _createdEndpoints.Distinct().Append(_configEndpoint).Append(_exchangeEndpoint))
        {
            await _hub.SendAsync(HttpMethod.Delete, $"/api/endpoints/{endpointId}");
        }

        await _external.DisposeAsync();
    }

    [Fact]
    public async Task Baselines_CoverEveryBodyRouteAndField()
    {
        var baselines = Baselines();
        var bodyRoutes = (await ReadTargetsAsync()).Where(t => t.HasBody).Select(t => t.Key).ToList();

        foreach (var route in bodyRoutes)
        {
            Assert.True(baselines.ContainsKey(route), $"{route} takes a JSON body, but the fuzz pass has no baseline for it");
        }

        foreach (var (route, baseline) in baselines.Where(b => b.Value.Contract is not null))
        {
            var missing = FuzzJson.MissingMembers(baseline.Contract!, baseline.Body, HubInstance.Json);
            Assert.True(missing.Count == 0, $"the baseline of {route} lacks {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public async Task BodyRoutes_WrongFieldTypes_ReturnProblemDetails()
    {
        var requests = new List<FuzzRequest>();
        foreach (var baseline in Baselines().Values)
        {
            foreach (var path in FuzzJson.FieldPaths(baseline.Body))
            {
                requests.AddRange(FuzzJson.WrongTypeValues.Select(value => new FuzzRequest(
                    $"wrong type: {path} = {value}", baseline.Method, baseline.Path,
                    FuzzJson.Replace(baseline.Body, path, value))));
            }
        }

        await RunAsync("wrong-types", seed: null, requests);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task BodyRoutes_HostileBodies_ReturnProblemDetails(int seed)
    {
        var random = new Random(seed);
        var requests = new List<FuzzRequest>();
        foreach (var (key, baseline) in Baselines())
        {
            for (var i = 0; i < CasesPerBodyRoute; i++)
            {
                var (recipe, body) = FuzzJson.Mutate(random, baseline.Body);
                var contentType = random.Next(8) == 0 ? OddContentTypes[random.Next(OddContentTypes.Length)] : "application/json";
                requests.Add(new FuzzRequest(recipe, baseline.Method, baseline.Path, body, contentType)
                {
                    Headers = OddHeaders(random, key),
                });
            }
        }

        await RunAsync("bodies", seed, requests);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task QueryRoutes_HostileQueries_ReturnProblemDetails(int seed)
    {
        var random = new Random(seed);
        var baselines = Baselines();
        var requests = new List<FuzzRequest>();
        foreach (var target in (await ReadTargetsAsync()).Append(InboundTarget()))
        {
            for (var i = 0; i < CasesPerQueryRoute; i++)
            {
                var path = FillRoute(target, random) + FuzzQuery.QueryString(random, target.QueryNames);
                var body = baselines.TryGetValue(target.Key, out var baseline) ? Encoding.UTF8.GetBytes(baseline.Body.ToJsonString()) : null;
                requests.Add(new FuzzRequest("query", target.Method, path, body));
            }
        }

        await RunAsync("queries", seed, requests);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task RouteValues_HostileIds_ReturnProblemDetails(int seed)
    {
        var random = new Random(seed);
        var baselines = Baselines();
        var requests = new List<FuzzRequest>();
        foreach (var target in (await ReadTargetsAsync()).Append(InboundTarget()).Where(t => t.Template.Contains('{', StringComparison.Ordinal)))
        {
            for (var i = 0; i < CasesPerRouteValue; i++)
            {
                var path = RouteParameter().Replace(target.Template, _ => FuzzQuery.RouteValue(random));
                var body = baselines.TryGetValue(target.Key, out var baseline) ? Encoding.UTF8.GetBytes(baseline.Body.ToJsonString()) : null;
                requests.Add(new FuzzRequest("route value", target.Method, path, body));
            }
        }

        await RunAsync("route-values", seed, requests);
    }

    // Now and then an odd Idempotency-Key on exchanges or X-Correlation-Id on inbound data, the headers they read.
    private static List<KeyValuePair<string, string>> OddHeaders(Random random, string route)
    {
        var name = route switch
        {
            "POST /api/endpoints/{endpointId}/exchanges" => "Idempotency-Key",
            InboundKey => "X-Correlation-Id",
            _ => null,
        };
        return name is null || random.Next(4) != 0 ? [] : [new(name, OddHeaderValues[random.Next(OddHeaderValues.Length)])];
    }

    // Sends the requests a few at a time, collects every broken rule, and checks that the hub still works.
    private async Task RunAsync(string pass, int? seed, List<FuzzRequest> requests)
    {
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{pass}: {requests.Count} requests, seed {seed?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        var failures = new ConcurrentBag<(int Index, string Text)>();
        using var client = new HttpClient { Timeout = RequestTimeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", _fuzzKey);
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = Parallelism,
            CancellationToken = TestContext.Current.CancellationToken,
        };

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), options, async (index, cancellationToken) =>
        {
            var due = TimeSpan.FromSeconds((double)index / MaxRequestsPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            var request = requests[index];
            var problem = await SendAsync(client, request, cancellationToken);
            if (problem is not null)
            {
                failures.Add((index, Report(pass, seed, index, request, problem)));
            }
        });

        var replay = seed is null ? "" : $" Replay with {SeedsVariable}={seed}.";
        var counts = failures
            .GroupBy(f => f.Text[(f.Text.IndexOf(' ', StringComparison.Ordinal) + 1)..f.Text.IndexOf('\n', StringComparison.Ordinal)])
            .Select(g => $"  {g.Count()} × {g.Key}");
        Assert.True(failures.IsEmpty,
            $"{failures.Count} of {requests.Count} {pass} requests broke the error contract.{replay}\n" +
            string.Join("\n", counts) + "\n\n" +
            string.Join("\n\n", failures.OrderBy(f => f.Index).Take(ReportedFailures).Select(f => f.Text)));
        await AssertHubServesAsync();
    }

    // Sends one request and returns what went wrong, with the response, or null when the response keeps the rules.
    private async Task<string?> SendAsync(HttpClient client, FuzzRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var message = request.ToMessage(_hub.BaseUrl);
            using var sent = await client.SendAsync(message, cancellationToken);
            var response = await RawResponse.ReadAsync(sent);
            RememberCreated(request, response);
            return CheckResponse(response) is { } rule ? $"{rule}\nresponse: {Describe(response)}" : null;
        }
        catch (HttpRequestException error)
        {
            return $"no response: {error.Message}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no response within {RequestTimeout.TotalSeconds} s";
        }
    }

    /// <summary>Returns the rule a response breaks, or null: no 5xx, and every 4xx a ProblemDetails that names the problem.</summary>
    private static string? CheckResponse(RawResponse response)
    {
        var status = (int)response.Status;
        if (status >= 500)
        {
            return $"server error {status}";
        }

        if (status < 400)
        {
            return null;
        }

        if (status == (int)HttpStatusCode.TooManyRequests)
        {
            return "429: the request never reached its handler, so the pass must send more slowly";
        }

        if (response.MediaType != "application/problem+json")
        {
            return $"{status} with media type '{response.MediaType ?? "(none)"}' instead of application/problem+json";
        }

        JsonElement problem;
        try
        {
            problem = response.Json;
        }
        catch (JsonException)
        {
            return $"{status} whose body is not JSON";
        }

        var title = problem.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (string.IsNullOrWhiteSpace(title))
        {
            return $"{status} ProblemDetails without a title";
        }

        if (string.IsNullOrWhiteSpace(detail))
        {
            return $"{status} ProblemDetails without a detail";
        }

        if (IsGenericDetail(detail))
        {
            return $"{status} ProblemDetails whose detail does not name the problem";
        }

        var listsErrors = detail.Contains("listed in 'errors'", StringComparison.Ordinal);
        return listsErrors && response.ErrorFields.Count == 0 ? $"{status} ProblemDetails that points to an empty 'errors'" : null;
    }

    // The fallback texts of the hub's error handlers, written when they have no detail about the failure.
    private static bool IsGenericDetail(string detail) =>
        detail.StartsWith("The hub could not read the request", StringComparison.Ordinal)
        || detail.StartsWith("The hub returned status", StringComparison.Ordinal);

    private async Task AssertHubServesAsync()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var status = await _hub.Client.GetAsync("/api/status", cancel.Token);
        using var ready = await _hub.Client.GetAsync("/health/ready", cancel.Token);

        // A valid exchange returns only after its journal entry is written, so it also proves the journal writer alive.
        var exchange = await _hub.ExchangeAsync(_exchangeEndpoint, new { operation = "fuzz.after", method = "GET", path = "/after" })
            .WaitAsync(TimeSpan.FromSeconds(15), cancel.Token);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
    }

    private string Report(string pass, int? seed, int index, FuzzRequest request, string problem)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hub-fuzz")).FullName;
        var file = Path.Combine(folder, $"{pass}-seed{seed?.ToString(CultureInfo.InvariantCulture) ?? "none"}-{index}.http");
        File.WriteAllBytes(file, request.ToWireBytes(_hub.BaseUrl));
        return $"#{index}: {problem}\n{request.Describe()}\nfull request: {file}";
    }

    private static string Describe(RawResponse response)
    {
        var text = response.Text.Length > 600 ? response.Text[..600] + "…" : response.Text;
        return $"{(int)response.Status} {response.MediaType ?? "(no media type)"} {text}";
    }

    private void RememberCreated(FuzzRequest request, RawResponse response)
    {
        if (response.Status != HttpStatusCode.Created)
        {
            return;
        }

        if (request.PathAndQuery.StartsWith("/api/keys", StringComparison.Ordinal))
        {
            _createdKeys.Add(response.Json.GetProperty("id").GetString()!);
        }
        else if (request.PathAndQuery.StartsWith("/api/endpoints/", StringComparison.Ordinal))
        {
            _createdEndpoints.Add(response.Json.GetProperty("endpointId").GetString()!);
        }
    }

    private static IEnumerable<int> ReadSeeds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Enumerable.Range(1, DefaultSeedCount);
        }

        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).SelectMany(part =>
        {
            var range = part.Split('-', 2);
            var first = int.Parse(range[0], CultureInfo.InvariantCulture);
            var last = range.Length == 2 ? int.Parse(range[1], CultureInfo.InvariantCulture) : first;
            return Enumerable.Range(first, last - first + 1);
        });
    }

    [GeneratedRegex(@"\{[A-Za-z]+\}")]
    private static partial Regex RouteParameter();
}
