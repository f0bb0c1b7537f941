namespace CrmAI.Hub.Demo.Control;

/// <summary>The most recent requests received by one demo system, oldest dropped first.</summary>
internal sealed class RequestHistory
{
    /// <summary>Number of requests kept.</summary>
    public const int Capacity = 200;

    private readonly Lock _lock = new();
    private readonly Queue<RecordedRequest> _requests = new(Capacity);
    private long _lastId;

    /// <summary>Returns the id for the next recorded request.</summary>
    public long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Stores <paramref name="request"/> and drops the oldest one past <see cref="Capacity"/>.</summary>
    public void Add(RecordedRequest request)
    {
        lock (_lock)
        {
            if (_requests.Count == Capacity)
            {
                _requests.Dequeue();
            }

            _requests.Enqueue(request);
        }
    }

    /// <summary>Returns the stored requests, newest arrival first.</summary>
    public IReadOnlyList<RecordedRequest> GetNewestFirst()
    {
        lock (_lock)
        {
            return _requests.OrderByDescending(request => request.Id).ToArray();
        }
    }

    /// <summary>Removes every stored request.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }
}
