namespace CrmAI.Hub.Api.Security;

/// <summary>
/// One admin action: when, by which key, what it did, on which target, and a summary without secrets.
/// </summary>
public sealed record AuditEntry(
    long Id, DateTimeOffset At, string KeyId, string Actor, string Action, string Target, string Summary);
