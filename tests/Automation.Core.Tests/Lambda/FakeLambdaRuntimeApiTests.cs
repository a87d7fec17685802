using System.Net;
using System.Text.Json;
using Automation.Testing;
using Automation.Testing.Lambda;

namespace Automation.Core.Tests.Lambda;

/// <summary>The fake itself, driven with a plain HttpClient, so the runtime tests can trust it.</summary>
public sealed class FakeLambdaRuntimeApiTests
{
    private static readonly TimeSpan Timeout = RuntimeHarness.Timeout;

    [Fact]
    public async Task It_listens_on_a_loopback_port_of_its_own()
    {
        await using var first = await FakeLambdaRuntimeApi.StartAsync();
        await using var second = await FakeLambdaRuntimeApi.StartAsync();

        Assert.StartsWith("127.0.0.1:", first.RuntimeApiAddress);
        Assert.NotEqual(first.RuntimeApiAddress, second.RuntimeApiAddress);
    }

    [Fact]
    public async Task Get_next_waits_for_an_invocation_and_sends_its_headers()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = Http(api);

        var pending = http.GetAsync("/2018-06-01/runtime/invocation/next");
        await api.WaitForRequestAsync(r => r.Call == RuntimeApiCall.Next).WaitAsync(Timeout);
        Assert.False(pending.IsCompleted);
        _ = api.Enqueue(new FakeInvocation("{\"a\":1}"u8.ToArray()) { RequestId = "r-1", TraceId = "Root=1-abc", Deadline = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123) });
        using var response = await pending.WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("r-1", Single(response, "Lambda-Runtime-Aws-Request-Id"));
        Assert.Equal("1700000000123", Single(response, "Lambda-Runtime-Deadline-Ms"));
        Assert.Equal(FakeInvocation.DefaultFunctionArn, Single(response, "Lambda-Runtime-Invoked-Function-Arn"));
        Assert.Equal("Root=1-abc", Single(response, "Lambda-Runtime-Trace-Id"));
        Assert.False(response.Headers.Contains("Lambda-Runtime-Client-Context"));
        Assert.Equal("{\"a\":1}"u8.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Disposing_releases_a_pending_get_next_with_410()
    {
        var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = Http(api);
        var pending = http.GetAsync("/2018-06-01/runtime/invocation/next");
        await api.WaitForRequestAsync(r => r.Call == RuntimeApiCall.Next).WaitAsync(Timeout);

        await api.DisposeAsync().AsTask().WaitAsync(Timeout);
        using var response = await pending.WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task Every_request_is_recorded_and_unknown_paths_get_404()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = Http(api);
        using var content = new StringContent("{\"x\":true}");
        content.Headers.Add("X-Test", "1");

        using var response = await http.PostAsync("/2018-06-01/runtime/somewhere/else", content).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("UnknownPath", error.RootElement.GetProperty("errorType").GetString());
        var recorded = Assert.Single(api.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/2018-06-01/runtime/somewhere/else", recorded.Path);
        Assert.Null(recorded.Call);
        Assert.Equal("1", recorded.Header("x-test"));
        Assert.Equal("{\"x\":true}"u8.ToArray(), recorded.Body);
    }

    [Fact]
    public async Task An_invocation_can_be_answered_once_only()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = Http(api);
        var outcome = api.Enqueue(new FakeInvocation("{}"u8.ToArray()) { RequestId = "once" });
        (await http.GetAsync("/2018-06-01/runtime/invocation/next").WaitAsync(Timeout)).Dispose();

        using var first = await http.PostAsync("/2018-06-01/runtime/invocation/once/response", new ByteArrayContent("1"u8.ToArray())).WaitAsync(Timeout);
        using var second = await http.PostAsync("/2018-06-01/runtime/invocation/once/response", new ByteArrayContent("2"u8.ToArray())).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("1"u8.ToArray(), (await outcome.WaitAsync(Timeout)).Body);
    }

    private static HttpClient Http(FakeLambdaRuntimeApi api) => new() { BaseAddress = new Uri("http://" + api.RuntimeApiAddress) };

    private static string Single(HttpResponseMessage response, string header) => Assert.Single(response.Headers.GetValues(header));
}
