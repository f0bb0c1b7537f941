namespace CrmAI.Hub.Contracts;

public enum Direction
{
    /// <summary>The hub called the external system.</summary>
    Outbound,

    /// <summary>The external system pushed data to the hub.</summary>
    Inbound,
}
