namespace CrmAI.Hub.Retries;

/// <summary>
/// Hub-wide settings of durable retries; per-endpoint policies are in <see cref="Contracts.RetryPolicy"/>.
/// </summary>
public sealed class RetryOptions
{
    public const string SectionName = "Retries";

    /// <value>Period of the reminder that wakes an endpoint with pending or parked exchanges. Default 1 min.</value>
    /// <remarks>
    /// While the endpoint's grain is active, a timer wakes it exactly when the next exchange is due. The reminder
    /// is the safety net that survives deactivation, restarts and crashes, so a due exchange may wait up to one
    /// period after a restart. Orleans needs <c>ReminderOptions.MinimumReminderPeriod</c> at or below it.
    /// </remarks>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest random delay added before each durable retry, so retries do not arrive at once. Default 250 ms.</summary>
    public TimeSpan MaxJitter { get; set; } = TimeSpan.FromMilliseconds(250);
}
