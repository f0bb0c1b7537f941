namespace CrmAI.Hub.Demo.Control;

/// <summary>Failure mode in force, as <c>GET /_control</c> returns it.</summary>
/// <param name="Mode">Mode name in the form that <c>POST /_control</c> accepts.</param>
/// <param name="DelayMs">Milliseconds waited before each business response.</param>
/// <param name="Remaining">Business requests left before the mode returns to <c>ok</c>, or null when unlimited.</param>
internal sealed record ControlState(string Mode, int DelayMs, int? Remaining);
