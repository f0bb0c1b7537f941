namespace CrmAI.Hub.Demo.Control;

/// <summary>Failure mode of one demo system, shared by all of its requests.</summary>
internal sealed class FailureControl
{
    /// <summary>Delay of <c>slow</c> mode when the request sets none: longer than the 5 s timeout of the walk-through.</summary>
    public static readonly TimeSpan DefaultSlowDelay = TimeSpan.FromSeconds(10);

    /// <summary>Longest accepted delay, so that a typo cannot stall a system for hours.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    private static readonly Dictionary<string, FailureMode> ModesByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ok"] = FailureMode.Ok,
        ["error500"] = FailureMode.Error500,
        ["unauthorized"] = FailureMode.Unauthorized,
        ["slow"] = FailureMode.Slow,
        ["drop"] = FailureMode.Drop,
    };

    private readonly Lock _lock = new();
    private FailureMode _mode = FailureMode.Ok;
    private TimeSpan _delay = TimeSpan.Zero;
    private int? _remaining;

    /// <summary>Names that <c>POST /_control</c> accepts in <c>mode</c>.</summary>
    public static IEnumerable<string> ModeNames => ModesByName.Keys;

    /// <summary>Returns the mode name that <c>POST /_control</c> accepts for <paramref name="mode"/>.</summary>
    public static string GetName(FailureMode mode) => ModesByName.First(pair => pair.Value == mode).Key;

    /// <summary>
    /// Validates <paramref name="request"/> and makes it the mode in force.
    /// Returns the list of errors, empty when the mode was applied.
    /// </summary>
    public IReadOnlyList<string> Apply(ControlRequest request)
    {
        var errors = new List<string>();
        FailureMode mode = FailureMode.Ok;

        if (string.IsNullOrWhiteSpace(request.Mode))
        {
            errors.Add($"'mode' is missing. Use one of: {string.Join(", ", ModeNames)}.");
        }
        else if (!ModesByName.TryGetValue(request.Mode, out mode))
        {
            errors.Add($"'mode' value '{request.Mode}' is invalid. Use one of: {string.Join(", ", ModeNames)}.");
        }

        if (request.DelayMs is < 0 || request.DelayMs > MaxDelay.TotalMilliseconds)
        {
            errors.Add($"'delayMs' value {request.DelayMs} is invalid. Use 0 to {MaxDelay.TotalMilliseconds:0}.");
        }

        if (request.Count is < 1)
        {
            errors.Add($"'count' value {request.Count} is invalid. Use 1 or more, or leave 'count' out for no limit.");
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var defaultDelay = mode == FailureMode.Slow ? DefaultSlowDelay : TimeSpan.Zero;
        lock (_lock)
        {
            _mode = mode;
            _delay = request.DelayMs is { } delayMs ? TimeSpan.FromMilliseconds(delayMs) : defaultDelay;
            _remaining = request.Count;
        }

        return errors;
    }

    /// <summary>Returns the mode in force without using up any of its count.</summary>
    public ControlState GetState()
    {
        lock (_lock)
        {
            return new ControlState(GetName(_mode), (int)_delay.TotalMilliseconds, _remaining);
        }
    }

    /// <summary>
    /// Returns the mode and delay for one business request, and counts the request against a limited mode.
    /// The request that uses up the count still gets the mode, and later requests get <c>ok</c> with no delay.
    /// </summary>
    public (FailureMode Mode, TimeSpan Delay) TakeForRequest()
    {
        lock (_lock)
        {
            var current = (_mode, _delay);
            if (_remaining is { } remaining)
            {
                _remaining = remaining - 1;
                if (_remaining == 0)
                {
                    _mode = FailureMode.Ok;
                    _delay = TimeSpan.Zero;
                    _remaining = null;
                }
            }

            return current;
        }
    }
}
