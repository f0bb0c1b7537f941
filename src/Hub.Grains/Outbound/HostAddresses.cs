using System.Net;
using System.Net.NetworkInformation;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// The addresses of this machine's network interfaces. An outbound request to one of them reaches the hub's own
/// host even when the address looks public, so <see cref="OutboundConnector"/> rejects them like loopback.
/// </summary>
public sealed class HostAddresses(TimeProvider time)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private HashSet<IPAddress> _addresses = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <summary>Returns true when the address belongs to one of this machine's interfaces.</summary>
    public bool IsOwn(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return Current().Contains(address);
    }

    private HashSet<IPAddress> Current()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _readAt >= RefreshInterval)
            {
                _addresses = Read();
                _readAt = now;
            }

            return _addresses;
        }
    }

    private static HashSet<IPAddress> Read()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(network => network.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address.IsIPv4MappedToIPv6 ? unicast.Address.MapToIPv4() : unicast.Address)
                .ToHashSet();
        }
        catch (NetworkInformationException)
        {
            // Without the list, the other address checks still apply.
            return [];
        }
    }
}
