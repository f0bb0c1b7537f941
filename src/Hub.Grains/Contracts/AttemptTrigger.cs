namespace CrmAI.Hub.Contracts;

/// <summary>
/// What started an attempt.
/// </summary>
public enum AttemptTrigger
{
    FirstAttempt,
    QuickRetry,
    ScheduledRetry,

    /// <summary>A parked endpoint checking whether its credentials work again.</summary>
    AuthProbe,

    /// <summary>A parked exchange sent again after the credentials were replaced or a probe succeeded.</summary>
    CredentialsReplay,
    ManualReplay,
    BulkReplay,
}
