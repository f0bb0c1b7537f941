using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Behavior;

/// <summary>
/// How response bodies are stored in the journal: size limit, charsets, content encodings and binary content.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class BodyTests(HubFixture fixture) : IAsyncLifetime
{
    private const int JournalBodyLimit = 256 * 1024;
    private const string CyrillicText = "Заказ № 10045: клавиатура, 5490 ₽";

    // A complete PNG file of one transparent pixel.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    static BodyTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Journal_TextOverLimit_TruncatedWithHash()
    {
        var full = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i:D6}\n")));
        Assert.True(full.Length > JournalBodyLimit);
        _system.Enqueue(Respond.Bytes(200, "text/plain; charset=utf-8", full));

        var body = await ResponseBodyAsync();
        var text = body.GetProperty("text").GetString()!;

        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(full.Length, body.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(full)), body.GetProperty("sha256").GetString(), ignoreCase: true);
        Assert.True(Encoding.UTF8.GetByteCount(text) <= JournalBodyLimit, $"Stored {text.Length} characters.");
        Assert.StartsWith("line 000000\nline 000001\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_JsonResponseOverLimit_Truncated()
    {
        var json = "[" + string.Join(',', Enumerable.Range(0, 30_000).Select(i => $$"""{"n":{{i}},"v":"value"}""")) + "]";
        var full = Encoding.UTF8.GetBytes(json);
        Assert.True(full.Length > JournalBodyLimit);
        _system.Enqueue(Respond.Bytes(200, "application/json", full));

        var body = await ResponseBodyAsync();

        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(full.Length, body.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(full)), body.GetProperty("sha256").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task Journal_ResponseUnderLimit_NotTruncated()
    {
        _system.Enqueue(Respond.Text(200, "short body"));

        var body = await ResponseBodyAsync();

        Assert.False(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(10, body.GetProperty("size").GetInt64());
        Assert.Equal("short body", body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Journal_Windows1251Text_DecodedAsCyrillic()
    {
        var bytes = Encoding.GetEncoding(1251).GetBytes(CyrillicText.Replace("₽", "RUB", StringComparison.Ordinal));
        _system.Enqueue(Respond.Bytes(200, "text/plain; charset=windows-1251", bytes));

        var body = await ResponseBodyAsync();

        Assert.Equal("Заказ № 10045: клавиатура, 5490 RUB", body.GetProperty("text").GetString());
        Assert.False(body.GetProperty("binary").GetBoolean());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task Journal_CompressedResponse_Decoded(string encoding)
    {
        var plain = Encoding.UTF8.GetBytes($$"""{"order":"{{CyrillicText}}","pad":"{{new string('x', 2000)}}"}""");
        var compressed = Compress(plain, encoding);
        _system.Enqueue(Respond.Bytes(200, "application/json; charset=utf-8", compressed,
            new Dictionary<string, string> { ["Content-Encoding"] = encoding }));

        var body = await ResponseBodyAsync();
        var stored = JsonDocument.Parse(body.GetProperty("text").GetString()!).RootElement;

        Assert.Equal(CyrillicText, stored.GetProperty("order").GetString());
        Assert.False(body.GetProperty("binary").GetBoolean());
        Assert.Equal(plain.Length, body.GetProperty("size").GetInt64());
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/json")]
    public async Task Journal_Utf8Bom_Dropped(string contentType)
    {
        var text = contentType.StartsWith("application/json", StringComparison.Ordinal) ? """{"name":"Анна"}""" : "Анна";
        byte[] bom = [0xEF, 0xBB, 0xBF];
        _system.Enqueue(Respond.Bytes(200, contentType, [.. bom, .. Encoding.UTF8.GetBytes(text)]));

        var body = await ResponseBodyAsync();

        Assert.Equal(text, body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Journal_PngResponse_StoredAsExactBinary()
    {
        _system.Enqueue(Respond.Bytes(200, "image/png", Png));

        var body = await ResponseBodyAsync();

        Assert.True(body.GetProperty("binary").GetBoolean());
        Assert.Equal(Convert.ToBase64String(Png), body.GetProperty("base64").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("text").ValueKind);
        Assert.Equal(Png.Length, body.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Journal_OctetStreamResponse_StoredAsExactBinary()
    {
        var bytes = Enumerable.Range(0, 512).Select(i => (byte)(i * 7 % 256)).ToArray();
        _system.Enqueue(Respond.Bytes(200, "application/octet-stream", bytes));

        var body = await ResponseBodyAsync();

        Assert.True(body.GetProperty("binary").GetBoolean());
        Assert.Equal(Convert.ToBase64String(bytes), body.GetProperty("base64").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("text").ValueKind);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)), body.GetProperty("sha256").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task Exchange_BinaryResponse_ReturnsBase64()
    {
        var id = HubFixture.NewEndpointId("body");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl });
        _system.Enqueue(Respond.Bytes(200, "image/png", Png));

        var result = await _hub.ExchangeAsync(id, new { operation = "files.get", method = "GET", path = "/logo.png" });
        var response = result.GetProperty("response");

        Assert.Equal(Convert.ToBase64String(Png), response.GetProperty("bodyBase64").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("body").ValueKind);
    }

    private async Task<JsonElement> ResponseBodyAsync()
    {
        var id = HubFixture.NewEndpointId("body");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl });
        var result = await _hub.ExchangeAsync(id, new { operation = "files.get", method = "GET", path = "/file" });
        var entry = await _hub.JournalEntryOfAsync(result);
        return entry.GetProperty("responseBody");
    }

    private static byte[] Compress(byte[] plain, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream encoder = encoding switch
               {
                   "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
                   "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
                   "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
                   _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown content encoding."),
               })
        {
            encoder.Write(plain);
        }

        return output.ToArray();
    }
}
