using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// A connection opener that connects only to loopback addresses. It records every target it is asked for and
/// refuses every non-loopback one without touching the network, so a broken guard cannot reach another host. The
/// one exception is <see cref="StandIn"/>, a public documentation address whose connections go to 127.0.0.1 on the
/// same port, so a test server can play a public host.
/// </summary>
public sealed class RecordingOpener : IConnectionOpener
{
    /// <summary>The address of <see cref="GuardHostResolver"/>'s <c>stand-in.test</c>, served by 127.0.0.1.</summary>
    public static readonly IPAddress StandIn = IPAddress.Parse("198.51.100.7");

    private readonly SocketConnectionOpener _loopback = new();

    public ConcurrentQueue<IPEndPoint> Targets { get; } = new();

    public ValueTask<Stream> OpenAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        Targets.Enqueue(target);
        var address = target.Address.IsIPv4MappedToIPv6 ? target.Address.MapToIPv4() : target.Address;
        if (address.Equals(StandIn))
        {
            return _loopback.OpenAsync(new IPEndPoint(IPAddress.Loopback, target.Port), cancellationToken);
        }

        return IPAddress.IsLoopback(address)
            ? _loopback.OpenAsync(target, cancellationToken)
            : ValueTask.FromException<Stream>(new SocketException((int)SocketError.ConnectionRefused));
    }
}
