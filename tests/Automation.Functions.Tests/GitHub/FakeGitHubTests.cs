using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing.GitHub;

namespace Automation.Functions.Tests.GitHub;

/// <summary>The fake holds requests to GitHub's description: what it lets through is what GitHub would take.</summary>
public sealed class FakeGitHubTests : IAsyncLifetime
{
    private const string Token = "github_pat_fake";
    private FakeGitHub _github = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync();
        _github.AcceptToken(Token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _github.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"inputs":{"a":"b"}}""", "Required properties")]
    [InlineData("""{"ref":7}""", "")]
    [InlineData("""{"ref":"main","inputs":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9","j":"10","k":"11","l":"12","m":"13","n":"14","o":"15","p":"16","q":"17","r":"18","s":"19","t":"20","u":"21","v":"22","w":"23","x":"24","y":"25","z":"26"}}""", "")]
    [InlineData("""{"ref":"main","return_run_details":"yes"}""", "")]
    [InlineData("""{"ref":"main","client_payload":{}}""", "unexpected property 'client_payload'")]
    public async Task A_dispatch_body_that_breaks_the_description_is_refused_with_422(string body, string gist)
    {
        var status = await PostDispatchAsync(body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var recorded = Assert.Single(_github.Requests);
        Assert.NotEmpty(recorded.SchemaErrors);
        Assert.Contains(recorded.SchemaErrors, e => e.Contains(gist, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_descriptions_own_example_is_taken()
    {
        var example = await File.ReadAllTextAsync(Automation.Testing.Fixtures.PathOf("github", "examples", "create-workflow-dispatch.request.json"));

        Assert.Equal(HttpStatusCode.NoContent, await PostDispatchAsync(example));
        Assert.Empty(Assert.Single(_github.Requests).SchemaErrors);
    }

    [Fact]
    public async Task Requests_without_an_accepted_token_get_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_github.BaseUrl, "/api/v3/repos/acme/shop"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "someone-else");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void The_run_schema_catches_a_run_of_the_wrong_shape()
    {
        var page = new JsonObject { ["total_count"] = 1, ["workflow_runs"] = new JsonArray(new JsonObject { ["id"] = "not a number" }) };

        Assert.NotEmpty(_github.RunsResponseErrors(page));
    }

    private async Task<HttpStatusCode> PostDispatchAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_github.BaseUrl, "/api/v3/repos/acme/shop/actions/workflows/rollback.yml/dispatches"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }
}
