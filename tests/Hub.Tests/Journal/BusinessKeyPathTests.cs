using System.Text.Json;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using Xunit;

namespace CrmAI.Hub.Tests.Journal;

/// <summary>
/// Parsing business-key JSON paths and extracting values from bodies.
/// </summary>
public sealed class BusinessKeyPathTests
{
    [Theory]
    [InlineData("$.order.number", """{"order":{"number":"A-1"}}""", "A-1")]
    [InlineData("$.order.id", """{"order":{"id":10045}}""", "10045")]
    [InlineData("$.items[1].sku", """{"items":[{"sku":"x"},{"sku":"y"}]}""", "y")]
    [InlineData("$.items[*].sku", """{"items":[{"sku":"x"},{"sku":"y"},{"sku":"x"}]}""", "x|y")]
    [InlineData("$.rows[*][0]", """{"rows":[["a","b"],["c"]]}""", "a|c")]
    [InlineData("$.order.number", """{"order":{"number":{"nested":1}}}""", "")]
    [InlineData("$.order.number", """[1,2]""", "")]
    public void Collect_Path_FindsValues(string path, string json, string expected)
    {
        Assert.True(BusinessKeyPath.TryParse(path, out var parsed, out var error), error);
        var values = new List<string>();
        using var document = JsonDocument.Parse(json);

        parsed.Collect(document.RootElement, values);

        Assert.Equal(expected, string.Join('|', values));
    }

    [Theory]
    [InlineData("order.number")]
    [InlineData("$.")]
    [InlineData("$..number")]
    [InlineData("$.items[x].sku")]
    [InlineData("$.items[].sku")]
    [InlineData("$.items[?(@.a)]")]
    public void TryParse_Unsupported_ReturnsError(string path)
    {
        Assert.False(BusinessKeyPath.TryParse(path, out _, out var error));
        Assert.Contains(path, error);
    }

    [Fact]
    public void Extract_RedactedPath_IsSkipped()
    {
        var config = new EndpointConfig
        {
            BaseUrl = new Uri("http://127.0.0.1/"),
            BusinessKeys = ["$.auth.token", "$.order.number"],
        };
        var extractor = new BusinessKeyExtractor(config);

        var keys = extractor.Extract("""{"auth":{"token":"s3cret"},"order":{"number":"N-7"}}""");

        Assert.Equal(["N-7"], keys);
    }

    [Fact]
    public void Extract_NotJson_ReturnsNothing()
    {
        var config = new EndpointConfig { BaseUrl = new Uri("http://127.0.0.1/"), BusinessKeys = ["$.a"] };

        var keys = new BusinessKeyExtractor(config).Extract("a=1&b=2");

        Assert.Empty(keys);
    }
}
