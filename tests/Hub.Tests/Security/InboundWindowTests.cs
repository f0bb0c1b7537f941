using System.Text;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// The tolerance window of a timestamped HMAC request, exact to the fraction of a second. An accepted request is
/// remembered past the end of its window, so no copy outlives the record of an earlier one.
/// </summary>
public sealed class InboundWindowTests
{
    private const string Secret = "window-test-secret-5d0e";
    private const long Timestamp = 1_796_400_000;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"order":"W-1"}""");

    [Theory]
    [InlineData(300, 0.3)]
    [InlineData(300, 0.9)]
    [InlineData(1.5, 0.2)]
    public void Failure_JustAfterWindow_Rejected(double toleranceSeconds, double secondsPastEnd)
    {
        var auth = Auth(toleranceSeconds);
        var now = DateTimeOffset.FromUnixTimeSeconds(Timestamp) + auth.Tolerance + TimeSpan.FromSeconds(secondsPastEnd);

        var failure = InboundAuthCheck.Failure(auth, Request(), now);

        Assert.NotNull(failure);
        Assert.Contains("tolerance", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, -300)]
    [InlineData(300, 0)]
    [InlineData(300, 299.9)]
    [InlineData(300, 300)]
    [InlineData(1.5, 1.5)]
    public void Delivery_AcceptedRequest_RememberUntilNotBeforeNow(double toleranceSeconds, double age)
    {
        var auth = Auth(toleranceSeconds);
        var now = DateTimeOffset.FromUnixTimeSeconds(Timestamp) + TimeSpan.FromSeconds(age);
        var request = Request();

        var failure = InboundAuthCheck.Failure(auth, request, now);
        var delivery = InboundAuthCheck.Delivery(auth, request);

        Assert.Null(failure);
        Assert.NotNull(delivery);
        Assert.True(delivery.RememberUntil >= now, $"remembered until {delivery.RememberUntil:O}, before the request at {now:O}");
    }

    private static InboundAuth Auth(double toleranceSeconds) => new()
    {
        Type = InboundAuthType.Hmac,
        Header = "X-Signature",
        Secret = Secret,
        TimestampHeader = "X-Timestamp",
        Tolerance = TimeSpan.FromSeconds(toleranceSeconds),
    };

    private static InboundRequest Request()
    {
        var timestamp = Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new InboundRequest
        {
            Method = "POST",
            Url = "http://127.0.0.1/api/inbound/window",
            Headers = new Dictionary<string, string>
            {
                ["X-Timestamp"] = timestamp,
                ["X-Signature"] = InboundAuthCheck.Sign(Secret, Body, timestamp),
            },
            Body = Body,
            ReceivedAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp),
        };
    }
}
