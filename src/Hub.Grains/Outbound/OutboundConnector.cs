using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Opens the TCP connections of outbound requests. Name resolution goes through <see cref="IHostResolver"/>, and
/// each resolved address is checked by <see cref="AddressPolicy"/> right before the connection opens, so a name
/// that resolves to a private address later cannot slip past the check of the base URL.
/// </summary>
public sealed partial class OutboundConnector(
    IHostResolver resolver,
    IConnectionOpener opener,
    HostAddresses hostAddresses,
    IOptionsMonitor<OutboundOptions> options,
    ILogger<OutboundConnector> logger)
{
    /// <summary>Creates the handler that every outbound request goes through.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = await ResolveAllowedAsync(host, cancellationToken);

        SocketException? lastError = null;
        foreach (var address in addresses)
        {
            try
            {
                return await opener.OpenAsync(new IPEndPoint(address, port), cancellationToken);
            }
            catch (SocketException error)
            {
                lastError = error;
            }
        }

        throw lastError ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async ValueTask<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken cancellationToken)
    {
        var allowPrivate = options.CurrentValue.AllowPrivateNetworks;
        if (!allowPrivate && AddressPolicy.IsLoopbackName(host))
        {
            throw Rejected(host, "loopback", "localhost");
        }

        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken);
        if (allowPrivate)
        {
            return addresses;
        }

        var allowed = addresses.Where(a => Kind(a) is null).ToArray();
        if (allowed.Length == 0 && addresses.Length > 0)
        {
            var first = addresses[0];
            throw Rejected(host, Kind(first)!, first.ToString());
        }

        return allowed;
    }

    private string? Kind(IPAddress address) =>
        AddressPolicy.Classify(address) ?? (hostAddresses.IsOwn(address) ? "this host's own" : null);

    private AddressRejectedException Rejected(string host, string kind, string address)
    {
        LogAddressRejected(logger, host, address, kind);
        return new AddressRejectedException(
            $"Address {address} of host '{host}' is not allowed: it is a {kind} address. Outbound requests reach only " +
            $"public addresses unless {OutboundOptions.AllowPrivateNetworksKey} is true " +
            "(environment variable Hub__AllowPrivateNetworks=true).");
    }

    [LoggerMessage(EventId = HubEventIds.OutboundAddressRejected, Level = LogLevel.Warning,
        Message = "Outbound connection to host {Host} rejected: {Address} is a {Kind} address")]
    private static partial void LogAddressRejected(ILogger logger, string host, string address, string kind);
}
