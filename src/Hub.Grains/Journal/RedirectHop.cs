namespace CrmAI.Hub.Journal;

/// <summary>
/// One redirect followed within an attempt: the request to <see cref="From"/> returned <see cref="StatusCode"/>
/// with a <c>Location</c> that resolved to <see cref="To"/>.
/// </summary>
public sealed record RedirectHop(string From, int StatusCode, string To);
