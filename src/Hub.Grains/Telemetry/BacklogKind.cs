namespace CrmAI.Hub.Telemetry;

/// <summary>The stored states of an exchange that the backlog gauges count.</summary>
public enum BacklogKind
{
    Pending,
    Parked,
    DeadLettered,
}
