using System.Globalization;
using System.Text;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Pending exchanges with a JSON order body of a fixed size, as after one failed attempt with HTTP 503.
/// </summary>
/// <remarks>
/// Every body differs: SKUs, names and prices come from a seeded <see cref="Random"/>, so PostgreSQL compresses them
/// about as well as real order JSON, not as well as a repeated string.
/// </remarks>
internal sealed class ExchangeFactory(string endpointId, int bodyChars, TimeProvider time)
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    private readonly Random _random = new(20_240);
    private int _number;

    public StoredExchange Create()
    {
        var number = ++_number;
        var now = time.GetUtcNow();
        return new StoredExchange
        {
            ExchangeId = Guid.CreateVersion7(now),
            EndpointId = endpointId,
            State = StoredState.Pending,
            Request = new ExchangeRequest
            {
                Operation = "orders.create",
                Method = "POST",
                Path = "/orders",
                Body = CreateBody(number),
                BodyIsJson = true,
                CorrelationId = $"order-{number}",
            },
            Attempts = 1,
            SubmittedAt = now,
            NextAttemptAt = now.AddMinutes(1),
            LastOutcome = Outcome.HttpError,
            LastStatusCode = 503,
            LastError = "HTTP 503 Service Unavailable",
        };
    }

    public List<StoredExchange> CreateMany(int count) => [.. Enumerable.Range(0, count).Select(_ => Create())];

    // A JSON order of exactly bodyChars ASCII characters: order lines, then a note that pads to the size.
    private string CreateBody(int number)
    {
        var body = new StringBuilder(bodyChars);
        body.Append(CultureInfo.InvariantCulture, $$"""{"orderId":"A-{{number}}","lines":[""");
        for (var line = 0; body.Length < bodyChars - 200; line++)
        {
            if (line > 0)
            {
                body.Append(',');
            }

            body.Append(CultureInfo.InvariantCulture,
                $$"""{"sku":"SKU-{{_random.Next():X8}}","name":"{{Word(12)}} {{Word(8)}}","quantity":{{_random.Next(1, 10)}},"price":"{{_random.Next(100, 100_000) / 100m:F2}}"}""");
        }

        // Each order line has fewer than 200 characters, so the padding length is never negative.
        body.Append("],\"note\":\"");
        body.Append(Word(bodyChars - body.Length - 2));
        body.Append("\"}");
        return body.ToString();
    }

    private string Word(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Letters[_random.Next(Letters.Length)];
        }

        return new string(chars);
    }
}
