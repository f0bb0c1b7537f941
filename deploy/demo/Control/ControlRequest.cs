namespace CrmAI.Hub.Demo.Control;

/// <summary>Body of <c>POST /_control</c>.</summary>
/// <param name="Mode">One of <c>ok</c>, <c>error500</c>, <c>unauthorized</c>, <c>slow</c> or <c>drop</c>.</param>
/// <param name="DelayMs">
/// Milliseconds to wait before responding to each business request, in every mode.
/// When null, the delay is 0, except in <c>slow</c> mode where it is <see cref="FailureControl.DefaultSlowDelay"/>.
/// </param>
/// <param name="Count">
/// Number of business requests that get this mode before the system returns to <c>ok</c>.
/// When null, the mode stays until the next <c>POST /_control</c>.
/// </param>
internal sealed record ControlRequest(string? Mode, int? DelayMs, int? Count);
