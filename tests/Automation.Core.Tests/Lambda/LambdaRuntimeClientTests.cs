using Automation.Core.Lambda;
using Automation.Testing;
using Automation.Testing.Lambda;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Lambda;

public sealed class LambdaRuntimeClientTests
{
    private static readonly TimeSpan Timeout = RuntimeHarness.Timeout;

    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/")]
    [InlineData("localhost:8080", "http://localhost:8080/2018-06-01/")]
    [InlineData(" 169.254.100.1:9001 ", "http://169.254.100.1:9001/2018-06-01/")]
    public void The_base_address_is_the_versioned_api_on_host_and_port(string runtimeApi, string expected)
    {
        Assert.True(LambdaRuntimeClient.TryCreateBaseAddress(runtimeApi, out var address));
        Assert.Equal(new Uri(expected), address);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("host:port")]
    [InlineData("127.0.0.1:9001/extra")]
    [InlineData("user@127.0.0.1:9001")]
    [InlineData("127.0.0.1:9001?x=1")]
    public void An_address_that_is_not_host_and_port_is_refused(string? runtimeApi)
    {
        Assert.False(LambdaRuntimeClient.TryCreateBaseAddress(runtimeApi, out _));
    }

    [Fact]
    public void The_http_client_never_times_out_the_long_poll()
    {
        Assert.True(LambdaRuntimeClient.TryCreateBaseAddress("127.0.0.1:9001", out var address));
        using var client = new LambdaRuntimeClient(address, TimeProvider.System);

        Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan, client.HttpTimeout);
    }

    [Fact]
    public async Task Next_reads_every_invocation_header_verbatim()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var client = Client(api, TimeProvider.System);
        const string clientContext = "{\"client\":{\"installation_id\":\"a,b\"},\"custom\":{\"k\":\"v, w\"}}";
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(1_542_409_706_888);
        _ = api.Enqueue(new FakeInvocation([1, 2, 3])
        {
            RequestId = "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            Deadline = deadline,
            TraceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
            ClientContext = clientContext,
            CognitoIdentity = "{\"cognitoIdentityId\":\"id\",\"cognitoIdentityPoolId\":\"pool\"}",
        });

        var invocation = await client.GetNextInvocationAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal([1, 2, 3], invocation.Payload.ToArray());
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", invocation.Context.AwsRequestId);
        Assert.Equal(deadline, invocation.Context.Deadline);
        Assert.Equal(FakeInvocation.DefaultFunctionArn, invocation.Context.InvokedFunctionArn);
        Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", invocation.Context.TraceId);
        Assert.Equal(clientContext, invocation.ClientContext);
        Assert.Equal("{\"cognitoIdentityId\":\"id\",\"cognitoIdentityPoolId\":\"pool\"}", invocation.CognitoIdentity);
        Assert.Equal("/2018-06-01/runtime/invocation/next", Assert.Single(api.Requests).Path);
    }

    [Fact]
    public async Task A_failing_status_surfaces_as_a_runtime_api_exception_with_the_status()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var client = Client(api, TimeProvider.System);
        api.FailNext(RuntimeApiCall.Next, statusCode: System.Net.HttpStatusCode.ServiceUnavailable);

        var failure = await Assert.ThrowsAsync<LambdaRuntimeApiException>(() => client.GetNextInvocationAsync(CancellationToken.None)).WaitAsync(Timeout);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, failure.StatusCode);
    }

    [Fact]
    public async Task Answering_an_invocation_that_was_never_handed_out_is_rejected()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var client = Client(api, TimeProvider.System);

        var failure = await Assert.ThrowsAsync<LambdaRuntimeApiException>(
            () => client.PostResponseAsync("no-such-id", "{}"u8.ToArray(), CancellationToken.None)).WaitAsync(Timeout);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, failure.StatusCode);
    }

    [Fact]
    public async Task A_request_id_is_escaped_into_the_path()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var client = Client(api, TimeProvider.System);
        var outcome = api.Enqueue(new FakeInvocation("{}"u8.ToArray()) { RequestId = "id with/slash" });

        var invocation = await client.GetNextInvocationAsync(CancellationToken.None).WaitAsync(Timeout);
        await client.PostResponseAsync(invocation.Context.AwsRequestId, "[]"u8.ToArray(), CancellationToken.None).WaitAsync(Timeout);

        var answer = await outcome.WaitAsync(Timeout);
        Assert.Equal("id with/slash", answer.RequestId);
        Assert.Equal("/2018-06-01/runtime/invocation/id%20with%2Fslash/response", answer.Request.Path);
    }

    [Fact]
    public async Task A_deadline_that_is_not_epoch_milliseconds_falls_back_to_the_longest_lambda_timeout()
    {
        var time = new FakeTimeProvider();
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var client = Client(api, time);
        _ = api.Enqueue(new FakeInvocation("{}"u8.ToArray()) { Deadline = DateTimeOffset.MinValue });

        var invocation = await client.GetNextInvocationAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(time.GetUtcNow() + LambdaRuntimeClient.FallbackTimeout, invocation.Context.Deadline);
    }

    private static LambdaRuntimeClient Client(FakeLambdaRuntimeApi api, TimeProvider time)
    {
        Assert.True(LambdaRuntimeClient.TryCreateBaseAddress(api.RuntimeApiAddress, out var address));
        return new LambdaRuntimeClient(address, time);
    }
}
