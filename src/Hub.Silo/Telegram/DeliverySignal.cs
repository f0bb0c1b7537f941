using System.Threading.Channels;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Wakes the delivery loop of this hub when a notice is stored, so it need not wait for its next check.
/// </summary>
public sealed class DeliverySignal
{
    private readonly Channel<bool> _channel =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken cancellationToken) =>
        await _channel.Reader.ReadAsync(cancellationToken);
}
