using CrmAI.Hub.Alerts;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Xunit;

namespace CrmAI.Hub.Tests.Health;

public sealed class HealthModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 15, 42, 30, TimeSpan.Zero);

    [Fact]
    public void Percentile_UniformLatencies_LandsInMatchingBins()
    {
        var counts = new int[LatencyHistogram.BinCount];
        for (var ms = 1; ms <= 1000; ms++)
        {
            counts[LatencyHistogram.BinOf(ms)]++;
        }

        var p50 = LatencyHistogram.Percentile(counts, 0.50)!.Value;
        var p99 = LatencyHistogram.Percentile(counts, 0.99)!.Value;

        Assert.InRange(p50, 450, 550);
        Assert.InRange(p99, 900, 1000);
        Assert.Null(LatencyHistogram.Percentile(new int[LatencyHistogram.BinCount], 0.5));
    }

    [Fact]
    public void ToHealth_ThreeFailuresInARow_IsDownWithWindows()
    {
        var stats = new EndpointStatsState { CreatedAt = Now.AddHours(-2) };
        EndpointStats.Record(stats, new ExchangeSample(Now.AddMinutes(-90), 120, 1, null));
        for (var i = 3; i >= 1; i--)
        {
            EndpointStats.Record(stats, new ExchangeSample(Now.AddMinutes(-i), 40, 3, Failure(Now.AddMinutes(-i), 500)));
        }

        var health = EndpointStats.ToHealth("crm", stats, Context());

        Assert.Equal(HealthStatus.Down, health.Status);
        Assert.Equal(3, health.Last5Minutes.Exchanges);
        Assert.Equal(3, health.LastHour.Failures);
        Assert.Equal(4, health.Last24Hours.Exchanges);
        Assert.Equal(3, health.Last5Minutes.FailuresByOutcome["HttpError"]);
        Assert.Equal(0, health.Last5Minutes.SuccessRate);
        Assert.Equal(3, health.FailuresPerHour[^1]);
        Assert.Equal(24, health.FailuresPerHour.Count);
    }

    [Fact]
    public void ToHealth_NoTrafficPastExpectedActivity_IsSilent()
    {
        var stats = new EndpointStatsState { CreatedAt = Now.AddMinutes(-11) };
        var policy = new HealthPolicy { ExpectedActivity = TimeSpan.FromMinutes(10) };

        var health = EndpointStats.ToHealth("crm", stats, Context(policy));

        Assert.Equal(HealthStatus.Silent, health.Status);
    }

    [Fact]
    public void ToHealth_NeverUsedWithoutExpectedActivity_IsUnknown()
    {
        var health = EndpointStats.ToHealth("crm", new EndpointStatsState { CreatedAt = Now }, Context());

        Assert.Equal(HealthStatus.Unknown, health.Status);
    }

    [Fact]
    public void Record_ManyExchanges_KeepsBucketCountsBounded()
    {
        var stats = new EndpointStatsState { CreatedAt = Now.AddDays(-3) };
        for (var minute = 0; minute < 3 * 24 * 60; minute += 7)
        {
            EndpointStats.Record(stats, new ExchangeSample(Now.AddDays(-3).AddMinutes(minute), 10, 1, null));
        }

        Assert.True(stats.Minutes.Count <= 60);
        Assert.True(stats.Hours.Count <= 24);
    }

    [Fact]
    public void Evaluate_AuthFailure_BreaksCriticalRuleAtOnce()
    {
        var stats = new EndpointStatsState { CreatedAt = Now.AddHours(-1), AuthFailedAt = Now };
        EndpointStats.Record(stats, new ExchangeSample(Now, 30, 1, Failure(Now, 401)));
        var health = EndpointStats.ToHealth("crm", stats, Context());

        var broken = RuleEvaluator.Evaluate(health, AlertRules.Default);

        var rule = Assert.Single(broken);
        Assert.Equal("authFailure", rule.Rule);
        Assert.Equal(AlertSeverity.Critical, rule.Severity);
    }

    [Fact]
    public void Evaluate_SilenceWithZeroTraffic_BreaksSilenceRule()
    {
        var stats = new EndpointStatsState { CreatedAt = Now.AddMinutes(-30) };
        var health = EndpointStats.ToHealth("crm", stats, Context());
        var rules = new AlertRules { SilenceAfter = TimeSpan.FromMinutes(15) }.Over(AlertRules.Default);

        var broken = RuleEvaluator.Evaluate(health, rules);

        Assert.Contains(broken, b => b.Rule == "silence");
    }

    [Fact]
    public void Evaluate_HealthyEndpoint_BreaksNothing()
    {
        var stats = new EndpointStatsState { CreatedAt = Now.AddHours(-1) };
        for (var i = 0; i < 20; i++)
        {
            EndpointStats.Record(stats, new ExchangeSample(Now.AddSeconds(-i), 80, 1, null));
        }

        var health = EndpointStats.ToHealth("crm", stats, Context());

        Assert.Empty(RuleEvaluator.Evaluate(health, AlertRules.Default));
        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact]
    public void Over_PartialOverride_KeepsDefaultsForTheRest()
    {
        var rules = new AlertRules { ConsecutiveFailures = 10 }.Over(AlertRules.Default);

        Assert.Equal(10, rules.ConsecutiveFailures);
        Assert.Equal(AlertRules.Default.ReminderInterval, rules.ReminderInterval);
        Assert.True(rules.AuthFailure);
    }

    private static FailureInfo Failure(DateTimeOffset at, int status) =>
        new(at, Outcome.HttpError, status, "server unavailable", Guid.NewGuid());

    private static HealthContext Context(HealthPolicy? policy = null) =>
        new(Now, policy ?? HealthPolicy.Default, null, 0, 0, 0);
}
