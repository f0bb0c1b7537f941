namespace CrmAI.Hub.Tests.Storage;

public sealed class StorageProbeGrain(
    [PersistentState(StorageProbeGrain.StateName, ProbeSilo.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IStorageProbeGrain, IRemindable
{
    public const string StateName = "probe";
    public const string ReminderName = "probe-tick";

    private int _tickCount;

    public async Task SetValueAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<ProbeSnapshot> GetSnapshotAsync()
    {
        return Task.FromResult(new ProbeSnapshot(state.State.Value, state.Etag, state.RecordExists));
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task DeactivateAsync()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task StartTickingAsync(TimeSpan period)
    {
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.Zero, period);
    }

    public async Task StopTickingAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> GetTickCountAsync() => Task.FromResult(_tickCount);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _tickCount++;
        return Task.CompletedTask;
    }
}
