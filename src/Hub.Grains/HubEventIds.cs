namespace CrmAI.Hub;

/// <summary>
/// Event ids of the hub's log messages, numbered by area.
/// </summary>
public static class HubEventIds
{
    // 1000s: exchanges
    public const int ExchangeFailed = 1001;
    public const int ForwardFailed = 1002;
    public const int CountersWriteFailed = 1003;
    public const int BackgroundRunFailed = 1004;
    public const int AuthFailed = 1005;
    public const int RetryWakeUpFailed = 1006;
    public const int ReplayFailed = 1007;
    public const int HealthPushFailed = 1008;
    public const int CircuitOpened = 1009;
    public const int CircuitClosed = 1010;

    // 3000s: alerts
    public const int IncidentOpened = 3001;
    public const int IncidentResolved = 3002;
    public const int NotifyFailed = 3003;
    public const int AlertCheckFailed = 3004;
    public const int IncidentsRechecked = 3005;
    public const int IncidentRecheckFailed = 3006;

    // 2000s: journal
    public const int JournalWriteFailed = 2001;
    public const int JournalDraining = 2002;
    public const int JournalAcknowledgeTimedOut = 2003;
    public const int JournalRowRejected = 2004;
    public const int JournalEntryDropped = 2005;
    public const int JournalRetentionFinished = 2010;
    public const int JournalRetentionFailed = 2011;
    public const int JournalMaintenanceFailed = 2012;

    // 4000s: host and storage
    public const int HubListening = 4001;
    public const int HubDatabase = 4002;
    public const int HubApiKeyFile = 4003;
    public const int HubDataDirectory = 4009;
    public const int SchemaApplied = 4004;
    public const int SchemaChanged = 4005;
    public const int LocalPostgresStarted = 4006;
    public const int LocalPostgresStopped = 4007;
    public const int UnhandledError = 4008;
    public const int FailoverError = 4010;

    // 5000s: security
    public const int ApiKeyLastUsedWriteFailed = 5001;
    public const int PrivateNetworksAllowed = 5002;
    public const int OutboundAddressRejected = 5003;
    public const int CredentialsUnprotectFailed = 5004;
    public const int AuditWriteFailed = 5005;
    public const int InboundAuthFailed = 5006;
    public const int InboundTooLarge = 5007;
    public const int InboundSenderBlocked = 5008;
    public const int InboundSignatureRecordFailed = 5009;
    public const int KeyRingPlain = 5010;
    public const int KeyRingSealed = 5011;
    public const int KeyRingKeyFile = 5012;
    public const int KeyRingKeyIgnored = 5013;
}
