namespace CrmAI.Hub.Demo;

/// <summary>Identity of one simulated outside system within the demo process.</summary>
/// <param name="Name">Short name used as the log category, such as <c>store</c> or <c>crm</c>.</param>
/// <param name="Title">Name for messages, such as <c>online store</c>.</param>
/// <param name="Port">TCP port on 127.0.0.1.</param>
internal sealed record DemoSystem(string Name, string Title, int Port)
{
    /// <summary>Base URL that clients use to reach this system.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");
}
