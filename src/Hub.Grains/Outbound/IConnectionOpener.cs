using System.Net;
using System.Net.Sockets;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Opens one TCP connection to an address that <see cref="OutboundConnector"/> has already checked.
/// </summary>
public interface IConnectionOpener
{
    /// <summary>Connects and returns the stream, or throws a <see cref="SocketException"/>.</summary>
    ValueTask<Stream> OpenAsync(IPEndPoint target, CancellationToken cancellationToken);
}

/// <summary>
/// Opens connections with a plain TCP socket.
/// </summary>
public sealed class SocketConnectionOpener : IConnectionOpener
{
    public async ValueTask<Stream> OpenAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
