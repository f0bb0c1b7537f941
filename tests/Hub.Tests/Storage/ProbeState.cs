namespace CrmAI.Hub.Tests.Storage;

/// <summary>Persistent state of <see cref="StorageProbeGrain"/>.</summary>
public sealed class ProbeState
{
    public string Value { get; set; } = "";
}
