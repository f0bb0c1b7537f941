namespace CrmAI.Hub.Alerts;

/// <summary>
/// When an endpoint's health opens an incident, and how the incident is followed up. Null members of an
/// override take the global default.
/// </summary>
[GenerateSerializer, Alias("hub.AlertRules")]
public sealed record AlertRules
{
    public static AlertRules Default { get; } = new()
    {
        ConsecutiveFailures = 3,
        FailureRatePercent = 50,
        FailureRateMinExchanges = 10,
        SilenceAfter = null,
        LatencyP95 = null,
        AuthFailure = true,
        DeadLetters = true,
        CircuitOpen = true,
        ReminderInterval = TimeSpan.FromHours(1),
        RecoveryHold = TimeSpan.FromMinutes(5),
    };

    /// <summary>Consecutive failed exchanges that open an incident. Default 3.</summary>
    [Id(0)] public int? ConsecutiveFailures { get; init; }

    /// <summary>Failure rate in percent over the last 5 minutes that opens an incident. Default 50.</summary>
    [Id(1)] public double? FailureRatePercent { get; init; }

    /// <summary>Exchanges in the last 5 minutes before the failure rate counts. Default 10.</summary>
    [Id(2)] public int? FailureRateMinExchanges { get; init; }

    /// <summary>No successful exchange for this long opens an incident, even with no traffic at all. Default off.</summary>
    [Id(3)] public TimeSpan? SilenceAfter { get; init; }

    /// <summary>p95 latency over the last 5 minutes that opens an incident. Default off.</summary>
    [Id(4)] public TimeSpan? LatencyP95 { get; init; }

    /// <summary>Any auth failure opens an incident at once. Default on.</summary>
    [Id(5)] public bool? AuthFailure { get; init; }

    /// <summary>Dead-lettered exchanges open an incident. Default on.</summary>
    [Id(6)] public bool? DeadLetters { get; init; }

    /// <summary>An open circuit opens an incident. Default on.</summary>
    [Id(7)] public bool? CircuitOpen { get; init; }

    /// <summary>How often an unacknowledged open incident is announced again. Default 1 h.</summary>
    [Id(8)] public TimeSpan? ReminderInterval { get; init; }

    /// <summary>
    /// How long after the last failure an incident waits before it resolves, so a link that flips back and forth
    /// stays one incident. Default 5 min.
    /// </summary>
    [Id(9)] public TimeSpan? RecoveryHold { get; init; }

    /// <summary>Returns these rules with every unset member taken from <paramref name="defaults"/>.</summary>
    public AlertRules Over(AlertRules defaults) => new()
    {
        ConsecutiveFailures = ConsecutiveFailures ?? defaults.ConsecutiveFailures,
        FailureRatePercent = FailureRatePercent ?? defaults.FailureRatePercent,
        FailureRateMinExchanges = FailureRateMinExchanges ?? defaults.FailureRateMinExchanges,
        SilenceAfter = SilenceAfter ?? defaults.SilenceAfter,
        LatencyP95 = LatencyP95 ?? defaults.LatencyP95,
        AuthFailure = AuthFailure ?? defaults.AuthFailure,
        DeadLetters = DeadLetters ?? defaults.DeadLetters,
        CircuitOpen = CircuitOpen ?? defaults.CircuitOpen,
        ReminderInterval = ReminderInterval ?? defaults.ReminderInterval,
        RecoveryHold = RecoveryHold ?? defaults.RecoveryHold,
    };
}

/// <summary>
/// The rule set in force: global defaults and per-endpoint overrides.
/// </summary>
[GenerateSerializer, Alias("hub.AlertRuleSet")]
public sealed record AlertRuleSet(
    [property: Id(0)] AlertRules Defaults,
    [property: Id(1)] IReadOnlyDictionary<string, AlertRules> Endpoints)
{
    /// <summary>Returns the complete rules of one endpoint.</summary>
    public AlertRules For(string endpointId) =>
        Endpoints.TryGetValue(endpointId, out var overrides)
            ? overrides.Over(Defaults.Over(AlertRules.Default))
            : Defaults.Over(AlertRules.Default);
}

/// <summary>
/// Holds the rule set changed through the API; one instance, keyed by <see cref="Key"/>.
/// </summary>
[Alias("hub.IAlertRulesGrain")]
public interface IAlertRulesGrain : IGrainWithStringKey
{
    const string Key = "all";

    /// <summary>Returns the stored rule set, or null while only configuration applies.</summary>
    [Alias("Get")]
    Task<AlertRuleSet?> GetAsync();

    [Alias("Set")]
    Task SetAsync(AlertRuleSet rules);
}
