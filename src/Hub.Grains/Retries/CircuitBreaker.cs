using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Retries;

/// <summary>
/// Stops an endpoint from calling an external system that keeps failing: it opens after consecutive transient
/// failures or a failure ratio over a window, lets one probe through after the break, and closes on success.
/// Auth and permanent failures do not count, because the system did respond.
/// </summary>
public sealed class CircuitBreaker(TimeProvider time)
{
    private readonly Queue<(DateTimeOffset At, bool Failed)> _window = new();
    private int _consecutive;
    private bool _probing;

    public CircuitPolicy Policy { get; set; } = new();

    /// <summary>When the circuit may let a probe through; null while it is closed.</summary>
    public DateTimeOffset? OpenUntil { get; private set; }

    public bool IsOpen => OpenUntil is not null;

    /// <summary>Returns true when an attempt may run now: the circuit is closed, or it grants the one probe.</summary>
    public bool TryEnter()
    {
        if (OpenUntil is not { } until)
        {
            return true;
        }

        if (_probing || time.GetUtcNow() < until)
        {
            return false;
        }

        _probing = true;
        return true;
    }

    public void Record(FailureClass result)
    {
        var now = time.GetUtcNow();
        if (result is FailureClass.Auth or FailureClass.Permanent)
        {
            _probing = false;
            return;
        }

        var failed = result == FailureClass.Transient;
        if (OpenUntil is not null)
        {
            _probing = false;
            if (failed)
            {
                OpenUntil = now + Policy.BreakDuration;
                return;
            }

            Close();
            return;
        }

        _consecutive = failed ? _consecutive + 1 : 0;
        _window.Enqueue((now, failed));
        while (_window.Count > 0 && _window.Peek().At < now - Policy.Window)
        {
            _window.Dequeue();
        }

        var failures = _window.Count(w => w.Failed);
        var ratioTripped = _window.Count >= Policy.MinimumThroughput && failures >= Policy.FailureRatio * _window.Count;
        if (_consecutive >= Policy.ConsecutiveFailures || ratioTripped)
        {
            OpenUntil = now + Policy.BreakDuration;
        }
    }

    private void Close()
    {
        OpenUntil = null;
        _consecutive = 0;
        _window.Clear();
    }
}
