namespace CrmAI.Hub.Api.Security;

/// <summary>
/// A permission an API key carries. <see cref="Admin"/> includes the other two.
/// </summary>
public enum ApiScope
{
    /// <summary>Reading status, health, the journal, incidents, notifications and exchanges.</summary>
    Read,

    /// <summary>Submitting exchanges and inbound data.</summary>
    Exchange,

    /// <summary>Changing endpoints, credentials, rules, replays, mutes, acknowledgements and keys.</summary>
    Admin,
}
