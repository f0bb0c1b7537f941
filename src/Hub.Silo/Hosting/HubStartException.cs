namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// A reason the hub cannot start that the user can fix, with the fix in the message.
/// </summary>
public sealed class HubStartException(string message, Exception? inner = null) : Exception(message, inner);
