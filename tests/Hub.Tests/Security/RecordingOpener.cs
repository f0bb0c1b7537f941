using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// A connection opener that connects only to loopback addresses. It records every target it is asked for and
/// refuses every non-loopback one without touching the network, so a broken guard cannot reach another host.
/// </summary>
public sealed class RecordingOpener : IConnectionOpener
{
    private readonly SocketConnectionOpener _loopback = new();

    public ConcurrentQueue<IPEndPoint> Targets { get; } = new();

    public ValueTask<Stream> OpenAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        Targets.Enqueue(target);
        var address = target.Address.IsIPv4MappedToIPv6 ? target.Address.MapToIPv4() : target.Address;
        return IPAddress.IsLoopback(address)
            ? _loopback.OpenAsync(target, cancellationToken)
            : ValueTask.FromException<Stream>(new SocketException((int)SocketError.ConnectionRefused));
    }
}
