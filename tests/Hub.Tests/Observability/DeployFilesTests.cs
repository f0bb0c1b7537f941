using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmAI.Hub.Telemetry;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Observability;

/// <summary>
/// Checks that the Prometheus rules in <c>deploy/prometheus/alerts.yml</c> and the Grafana dashboard in
/// <c>deploy/grafana/hub-dashboard.json</c> reference only metric names that the hub serves.
/// </summary>
/// <remarks>
/// Names of the exchange, retry, backlog and journal instruments must appear in a real hub's <c>/metrics</c>
/// output after a small scenario. The alert and Telegram instruments need an open incident and a Telegram bot,
/// so their names are checked against the instruments that <see cref="HubMetrics"/> declares, converted to
/// Prometheus names by the exporter's rule, which the scraped names confirm.
/// </remarks>
public sealed partial class DeployFilesTests(ObservabilityHubFixture fixture)
    : IClassFixture<ObservabilityHubFixture>, IAsyncLifetime
{
    private static readonly HashSet<string> DeclaredOnly = new(StringComparer.Ordinal)
    {
        "hub_alerts_raised_total",
        "hub_telegram_sent_total",
        "hub_telegram_failed_total",
        "hub_telegram_send_duration_seconds",
    };

    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public void AlertRules_EachExpression_NamesHubMetric()
    {
        var expressions = AlertRuleExpressions(File.ReadAllLines(DeployFile("prometheus", "alerts.yml")));

        Assert.True(expressions.Count >= 5, $"expected at least 5 alert expressions, found {expressions.Count}");
        Assert.All(expressions, expression => Assert.NotEmpty(MetricNames(expression)));
    }

    [Fact]
    public void Dashboard_Json_HasDataSourceVariable()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DeployFile("grafana", "hub-dashboard.json")));
        var variables = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();

        Assert.Contains(variables, v => v.GetProperty("type").GetString() == "datasource"
            && v.GetProperty("query").GetString() == "prometheus");
        Assert.All(dashboard.RootElement.GetProperty("panels").EnumerateArray(),
            panel => Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public async Task DeployFiles_MetricNames_ExistInHub()
    {
        await RunScenarioAsync();
        var scraped = await ScrapeFamiliesAsync();
        var declared = DeclaredPrometheusNames();
        var referenced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var expression in AlertRuleExpressions(File.ReadAllLines(DeployFile("prometheus", "alerts.yml"))))
        {
            referenced.UnionWith(MetricNames(expression));
        }

        referenced.UnionWith(DashboardExpressions(File.ReadAllText(DeployFile("grafana", "hub-dashboard.json")))
            .SelectMany(MetricNames));

        // The conversion rule must reproduce every hub name the exporter actually served.
        foreach (var family in scraped.Where(name => name.StartsWith("hub_", StringComparison.Ordinal)))
        {
            Assert.Contains(family, declared);
        }

        foreach (var name in referenced)
        {
            var family = Family(name);
            if (DeclaredOnly.Contains(family))
            {
                Assert.True(declared.Contains(family), $"{name} is referenced but HubMetrics declares no such instrument");
            }
            else
            {
                Assert.True(scraped.Contains(family), $"{name} is referenced but absent from /metrics after the scenario");
            }
        }
    }

    private async Task RunScenarioAsync()
    {
        var succeeding = await PutEndpointAsync("deploy-ok");
        var retrying = await PutEndpointAsync("deploy-retry");
        var parking = await PutEndpointAsync("deploy-park");

        await _hub.SubmitAsync(succeeding, Order("D-1"));
        _system.Enqueue(Respond.Text(503, "busy"));
        await _hub.SubmitAsync(retrying, Order("D-2"));
        _system.Enqueue(Respond.Text(401, "token expired"));
        var parked = await _hub.SubmitAsync(parking, Order("D-3"));

        Assert.Equal("Parked", parked.ExchangeStatus);
    }

    private async Task<string> PutEndpointAsync(string prefix)
    {
        var endpointId = HubFixture.NewEndpointId(prefix);
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            retry = new { immediate = 0, schedule = Values("1h"), authProbeInterval = "1h" },
        });
        return endpointId;
    }

    // The exporter caches a scrape for a moment, so this scrapes until the journal and backlog series show.
    private async Task<HashSet<string>> ScrapeFamiliesAsync()
    {
        string[] required = ["hub_exchanges_parked", "hub_journal_write_duration_seconds", "hub_retries_scheduled_total"];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = await _hub.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            var families = text.Split('\n')
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => Family(line[..line.IndexOfAny(['{', ' '])]))
                .ToHashSet(StringComparer.Ordinal);
            if (required.All(families.Contains) || clock.Elapsed > Deadline)
            {
                return families;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Lists the Prometheus names of the instruments in the meter <see cref="HubMetrics.MeterName"/>: dots become
    /// underscores, the unit <c>s</c> adds <c>_seconds</c>, annotation units in braces add nothing, and counters
    /// add <c>_total</c>.
    /// </summary>
    private static HashSet<string> DeclaredPrometheusNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name != HubMetrics.MeterName)
            {
                return;
            }

            var name = instrument.Name.Replace('.', '_');
            if (instrument.Unit == "s")
            {
                name += "_seconds";
            }

            if (instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Counter<>))
            {
                name += "_total";
            }

            names.Add(name);
        };
        listener.Start();
        return names;
    }

    /// <summary>
    /// Returns the <c>expr</c> values of alerts.yml, plain or as a <c>|</c> block. This reads only the subset of
    /// YAML the file uses, because the test project has no YAML parser.
    /// </summary>
    private static List<string> AlertRuleExpressions(string[] lines)
    {
        var expressions = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = trimmed["expr:".Length..].Trim();
            if (value != "|")
            {
                expressions.Add(value);
                continue;
            }

            var indent = lines[i].Length - trimmed.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
            {
                block.Add(lines[++i].Trim());
            }

            expressions.Add(string.Join(' ', block).Trim());
        }

        return expressions;
    }

    private static List<string> DashboardExpressions(string json)
    {
        using var dashboard = JsonDocument.Parse(json);
        var expressions = new List<string>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            expressions.AddRange(panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
        }

        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.TryGetProperty("definition", out var definition))
            {
                expressions.Add(definition.GetString()!);
            }
        }

        return expressions;
    }

    private static IEnumerable<string> MetricNames(string expression) =>
        HubMetricName().Matches(expression).Select(match => match.Value);

    // A histogram is served as _bucket, _sum and _count series of one family.
    private static string Family(string series)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal))
            {
                return series[..^suffix.Length];
            }
        }

        return series;
    }

    private static string DeployFile(string folder, string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CrmAI.Hub.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("CrmAI.Hub.sln not found above the test binaries"),
            "deploy", folder, name);
    }

    [GeneratedRegex(@"\bhub_[a-z_]+\b")]
    private static partial Regex HubMetricName();
}
