namespace CrmAI.Hub.Demo;

/// <summary>Event ids of the demo program's log messages.</summary>
internal static class DemoEventIds
{
    public const int Listening = 1;
    public const int StartFailed = 2;
    public const int Stopping = 3;

    public const int RequestHandled = 101; // 100s: requests and failure modes
    public const int ControlRequestHandled = 102;
    public const int ConnectionDropped = 103;
    public const int ClientDisconnected = 104;
    public const int ModeChanged = 105;

    public const int WebhookDelivered = 201; // 200s: store webhooks
    public const int WebhookFailed = 202;
}
