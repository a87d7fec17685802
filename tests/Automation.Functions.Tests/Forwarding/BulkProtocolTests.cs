using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Automation.LogForwarder.Bulk;
using Automation.Testing;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>The bulk answers of the OpenSearch documentation and a real 429, read by the client; the documentation's request, served by the fake.</summary>
public sealed class BulkProtocolTests
{
    [Fact]
    public void A_response_without_errors_gives_every_items_status()
    {
        var items = BulkResponseReader.Read(Fixtures.Bytes("opensearch", "examples", "docs-website__bulk.md__response-errors-false.json"));
        Assert.Equal([404, 201, 201, 200], items!.Select(i => i.Status));
        Assert.All(items!, i => Assert.Null(i.ErrorType));
    }

    [Fact]
    public void A_response_with_errors_gives_the_error_type_and_reason()
    {
        var item = Assert.Single(BulkResponseReader.Read(Fixtures.Bytes("opensearch", "examples", "docs-website__bulk.md__response-errors-true.json"))!);
        Assert.Equal(new BulkItemResult(404, "document_missing_exception", "[nonexistent1]: document missing"), item);
    }

    [Fact]
    public void A_rejected_item_inside_a_200_is_a_429_to_retry()
    {
        var item = Assert.Single(BulkResponseReader.Read(Fixtures.Bytes("opensearch", "examples", "zipkin__BulkCallBuilderTest__elasticsearch-429-rejected.json"))!);
        Assert.Equal(429, item.Status);
        Assert.Equal("es_rejected_execution_exception", item.ErrorType);
        var document = new BulkItem(BulkItemKind.Document, "index", "i", "1", 0, 0, [], null);
        Assert.Equal(BulkSender.Fate.Retry, BulkSender.Classify(document, item));
        Assert.Equal(BulkSender.Fate.Done, BulkSender.Classify(document with { Operation = "create" }, new BulkItemResult(409, "version_conflict_engine_exception", null)));
        Assert.Equal(BulkSender.Fate.Retry, BulkSender.Classify(document with { Operation = "update" }, new BulkItemResult(409, "version_conflict_engine_exception", null)));
        Assert.Equal(BulkSender.Fate.Refused, BulkSender.Classify(document, new BulkItemResult(400, "mapper_parsing_exception", null)));
        Assert.Null(BulkResponseReader.Read("<html>Bad gateway</html>"u8));
    }

    [Fact]
    public async Task The_fake_serves_the_documentations_request_as_opensearch_answers_it_and_reports_what_the_description_forbids()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        using var http = new HttpClient();
        var request = Fixtures.Bytes("opensearch", "examples", "docs-website__bulk.md__request-multiple-actions.ndjson");

        var answer = await PostAsync(http, server, request);

        // As documented, except the update: the fake starts empty, so tt0816711 is missing (the documentation's errors: true case).
        var expected = JsonNode.Parse(Fixtures.Bytes("opensearch", "examples", "docs-website__bulk.md__response-errors-false.json"))!;
        Assert.Equal(
            expected["items"]!.AsArray().Select(i => ((JsonObject)i!).Single().Key),
            answer["items"]!.AsArray().Select(i => ((JsonObject)i!).Single().Key));
        Assert.Equal([404, 201, 201, 404], answer["items"]!.AsArray().Select(i => (int)((JsonObject)i!).Single().Value!["status"]!));
        Assert.Equal("document_missing_exception", (string)answer["items"]![3]!["update"]!["error"]!["type"]!);
        Assert.True((bool)answer["errors"]!);
        Assert.Empty(server.Violations);

        await PostAsync(http, server, "{\"index\":{\"_index\":\"x\",\"_id\":\"1\",\"surprise\":1}}\n{}\n"u8.ToArray());
        Assert.Contains("line 1: index does not take surprise", server.Violations);
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, FakeOpenSearch server, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await http.PostAsync(new Uri(server.Endpoint, "_bulk"), content);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
