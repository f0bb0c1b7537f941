namespace CrmAI.Hub.Outbound;

/// <summary>
/// Thrown by <see cref="OutboundConnector"/> when every address of a host is one that outbound requests must not
/// reach. Attempts that end with it are failures the hub does not retry.
/// </summary>
public sealed class AddressRejectedException : IOException
{
    public AddressRejectedException(string message)
        : base(message)
    {
    }

    public AddressRejectedException()
    {
    }

    public AddressRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
