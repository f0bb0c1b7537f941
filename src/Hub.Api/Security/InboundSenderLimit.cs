using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Counts the failed inbound requests of each client address without a valid hub key, in windows of one minute,
/// and blocks an address for the rest of its window once it reaches
/// <see cref="ApiLimitOptions.InboundFailuresPerMinute"/>. The inbound route is public, so this bounds the journal
/// rows and warnings that a stranger can cause. IPv6 clients count by their /64 network, which one host can
/// usually change addresses within.
/// </summary>
public sealed partial class InboundSenderLimit(
    IOptions<ApiLimitOptions> options, TimeProvider time, ILogger<InboundSenderLimit> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Above this many addresses, finished windows are dropped on the next failure.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new();
    private readonly int _limit = options.Value.InboundFailuresPerMinute;

    /// <summary>Returns how long the address stays blocked, or null when it may send.</summary>
    public TimeSpan? BlockedFor(IPAddress? address)
    {
        if (!_failures.TryGetValue(Key(address), out var failures))
        {
            return null;
        }

        lock (failures)
        {
            var left = failures.Start + Window - time.GetUtcNow();
            return failures.Count >= _limit && left > TimeSpan.Zero ? left : null;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > PruneAbove)
        {
            Prune(now);
        }

        var key = Key(address);
        var failures = _failures.GetOrAdd(key, _ => new Failures { Start = now });
        bool reached;
        lock (failures)
        {
            if (now - failures.Start >= Window)
            {
                failures.Start = now;
                failures.Count = 0;
            }

            failures.Count++;
            reached = failures.Count == _limit;
        }

        if (reached)
        {
            LogBlocked(logger, key, _limit);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
        {
            if (now - failures.Start >= Window)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }

    private static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var network = address.GetAddressBytes();
        Array.Clear(network, 8, 8);
        return new IPAddress(network) + "/64";
    }

    private sealed class Failures
    {
        public DateTimeOffset Start { get; set; }

        public int Count { get; set; }
    }

    [LoggerMessage(EventId = HubEventIds.InboundSenderBlocked, Level = LogLevel.Warning,
        Message = "Inbound requests from {Address} are blocked for the rest of the minute: {Limit} of them failed")]
    private static partial void LogBlocked(ILogger logger, string address, int limit);
}
