using System.Net;
using System.Net.Sockets;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// Ports of 127.0.0.1 for tests that need an address where nothing listens.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>
    /// Returns a port that was free a moment ago: the listener that the system gave it to is closed before returning.
    /// </summary>
    /// <remarks>Another process may take the port afterwards, which is unlikely within one test.</remarks>
    public static int FindClosed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
