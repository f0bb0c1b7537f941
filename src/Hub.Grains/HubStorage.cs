namespace CrmAI.Hub;

/// <summary>
/// Names of the Orleans storage the grains use.
/// </summary>
public static class HubStorage
{
    /// <summary>The grain storage provider, backed by PostgreSQL.</summary>
    public const string Name = "hub";
}
