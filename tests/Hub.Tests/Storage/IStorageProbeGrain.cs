namespace CrmAI.Hub.Tests.Storage;

/// <summary>
/// Test grain with a string key that exposes its persistent state and one reminder.
/// </summary>
public interface IStorageProbeGrain : IGrainWithStringKey
{
    Task SetValueAsync(string value);

    Task<ProbeSnapshot> GetSnapshotAsync();

    Task ClearAsync();

    Task DeactivateAsync();

    Task StartTickingAsync(TimeSpan period);

    Task StopTickingAsync();

    Task<int> GetTickCountAsync();
}
