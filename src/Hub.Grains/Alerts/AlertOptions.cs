namespace CrmAI.Hub.Alerts;

/// <summary>
/// Hub-wide alert settings, from the <c>Alerts</c> configuration section.
/// </summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <value>How often an alert grain with something to watch pulls health on its own. Default 1 min.</value>
    /// <remarks>
    /// It catches what no exchange reports: silence with no traffic, and incidents whose recovery hold ended.
    /// It is an Orleans reminder, so it needs <c>ReminderOptions.MinimumReminderPeriod</c> at or below it.
    /// </remarks>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Base URL of the hub as managers reach it, for journal links in alerts; null leaves links out.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Global default rules; per-endpoint overrides come through the API.</summary>
    public AlertRules Rules { get; set; } = new();
}
