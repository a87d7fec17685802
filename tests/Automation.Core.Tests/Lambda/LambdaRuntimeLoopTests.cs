using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Automation.Core.Lambda;
using Automation.Testing.Lambda;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Lambda;

[Collection(RuntimeLoopCollection.Name)]
public sealed class LambdaRuntimeLoopTests
{
    private static readonly TimeSpan Timeout = RuntimeHarness.Timeout;

    [Fact]
    public async Task The_handler_response_is_posted_for_the_invocation()
    {
        var handler = new DelegateHandler((payload, _, _) =>
            Task.FromResult(Encoding.UTF8.GetBytes("{\"length\":" + payload.Length + "}")));
        await using var harness = await RuntimeHarness.StartAsync(handler);

        var outcome = await harness.Api.Enqueue("{\"records\":{}}").WaitAsync(Timeout);

        Assert.False(outcome.IsError);
        using var body = JsonDocument.Parse(outcome.Body);
        Assert.Equal(14, body.RootElement.GetProperty("length").GetInt32());
        Assert.Equal("POST", outcome.Request.Method);
        Assert.Equal($"/2018-06-01/runtime/invocation/{outcome.RequestId}/response", outcome.Request.Path);
        Assert.StartsWith("application/json", outcome.Request.Header("Content-Type"));
        Assert.Null(outcome.ErrorType);
    }

    [Fact]
    public async Task The_context_carries_request_id_deadline_and_arn_and_the_trace_id_is_exported()
    {
        var seen = new List<(LambdaContext Context, string? TraceVariable, TimeSpan Remaining)>();
        await using var harness = await RuntimeHarness.StartServerAsync();
        harness.Run(() => new DelegateHandler((_, context, _) =>
        {
            seen.Add((context, Environment.GetEnvironmentVariable(LambdaRuntimeLoop.TraceIdVariable), context.RemainingTime(harness.Time)));
            return Task.FromResult("{}"u8.ToArray());
        }));
        var deadline = harness.Time.GetUtcNow() + TimeSpan.FromMilliseconds(61_234);
        const string trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
        const string arn = "arn:aws:lambda:eu-west-1:111122223333:function:pod-restarter:live";

        await harness.Api.Enqueue(new FakeInvocation("{}"u8.ToArray())
        {
            RequestId = "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            Deadline = deadline,
            FunctionArn = arn,
            TraceId = trace,
        }).WaitAsync(Timeout);
        await harness.Api.Enqueue(new FakeInvocation("{}"u8.ToArray()) { RequestId = "second", TraceId = null }).WaitAsync(Timeout);

        Assert.Equal(2, seen.Count);
        var (context, traceVariable, remaining) = seen[0];
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", context.AwsRequestId);
        Assert.Equal(deadline, context.Deadline);
        Assert.Equal(TimeSpan.FromMilliseconds(61_234), remaining);
        Assert.Equal(arn, context.InvokedFunctionArn);
        Assert.Equal(trace, context.TraceId);
        Assert.Equal(trace, traceVariable);

        // An invocation without a trace id must not inherit the previous one.
        Assert.Equal("second", seen[1].Context.AwsRequestId);
        Assert.Null(seen[1].Context.TraceId);
        Assert.Null(seen[1].TraceVariable);
    }

    [Fact]
    public async Task A_handler_exception_is_posted_to_error_and_the_next_invocation_still_succeeds()
    {
        var handler = new DelegateHandler((payload, _, _) => Encoding.UTF8.GetString(payload.Span) == "\"boom\""
            ? throw new InvalidOperationException("The rule 'crashloop' has no action.")
            : Task.FromResult("{\"ok\":true}"u8.ToArray()));
        await using var harness = await RuntimeHarness.StartAsync(handler);

        var failed = await harness.Api.Enqueue("\"boom\"").WaitAsync(Timeout);
        var succeeded = await harness.Api.Enqueue("{}").WaitAsync(Timeout);

        Assert.True(failed.IsError);
        Assert.Equal($"/2018-06-01/runtime/invocation/{failed.RequestId}/error", failed.Request.Path);
        Assert.Equal("InvalidOperationException", failed.ErrorType);
        using (var body = JsonDocument.Parse(failed.Body))
        {
            var root = body.RootElement;
            Assert.Equal(["errorMessage", "errorType", "stackTrace"], root.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal("The rule 'crashloop' has no action.", root.GetProperty("errorMessage").GetString());
            Assert.Equal("InvalidOperationException", root.GetProperty("errorType").GetString());
            Assert.Equal(JsonValueKind.Array, root.GetProperty("stackTrace").ValueKind);
            Assert.Equal(0, root.GetProperty("stackTrace").GetArrayLength());
        }

        var line = await harness.Diagnostics.NextLineAsync();
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal("InvalidOperationException", line.GetProperty("errorType").GetString());
        Assert.Equal(failed.RequestId, line.GetProperty("requestId").GetString());
        Assert.False(line.TryGetProperty("stackTrace", out _));

        Assert.False(succeeded.IsError);
        using var ok = JsonDocument.Parse(succeeded.Body);
        Assert.True(ok.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task The_handler_token_is_cancelled_exactly_at_the_deadline()
    {
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await RuntimeHarness.StartServerAsync();
        harness.Run(() => new DelegateHandler(async (_, _, token) =>
        {
            started.SetResult(token);
            await Task.Delay(System.Threading.Timeout.Infinite, token);
            return [];
        }));

        var outcome = harness.Api.Enqueue(new FakeInvocation("{}"u8.ToArray()) { Deadline = harness.Time.GetUtcNow() + TimeSpan.FromSeconds(30) });
        var token = await started.Task.WaitAsync(Timeout);

        Assert.False(token.IsCancellationRequested);
        harness.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.False(token.IsCancellationRequested);
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(token.IsCancellationRequested);

        // The handler gave up, so the invocation is reported as failed rather than left to Lambda's timeout.
        var answer = await outcome.WaitAsync(Timeout);
        Assert.True(answer.IsError);
        Assert.Equal(nameof(TaskCanceledException), answer.ErrorType);
    }

    [Fact]
    public async Task An_invocation_already_past_its_deadline_gets_a_cancelled_token()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();
        harness.Run(() => new DelegateHandler((_, _, token) =>
            Task.FromResult(Encoding.UTF8.GetBytes(token.IsCancellationRequested ? "\"cancelled\"" : "\"live\""))));

        var outcome = await harness.Api.Enqueue(new FakeInvocation("{}"u8.ToArray()) { Deadline = harness.Time.GetUtcNow() - TimeSpan.FromSeconds(1) })
            .WaitAsync(Timeout);

        using var body = JsonDocument.Parse(outcome.Body);
        Assert.Equal("cancelled", body.RootElement.GetString());
    }

    [Fact]
    public async Task A_500_on_next_is_logged_and_the_loop_processes_the_next_invocation()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();
        harness.Api.FailNext(RuntimeApiCall.Next, count: 2);
        var outcome = harness.Api.Enqueue("{\"n\":1}");
        harness.Run(DelegateHandler.Echo);

        var first = await harness.Diagnostics.NextLineAsync();
        harness.Time.Advance(LambdaRuntimeLoop.MaxRetryDelay);
        var second = await harness.Diagnostics.NextLineAsync();
        harness.Time.Advance(LambdaRuntimeLoop.MaxRetryDelay);
        var answer = await outcome.WaitAsync(Timeout);

        foreach (var line in new[] { first, second })
        {
            Assert.Equal("warn", line.GetProperty("level").GetString());
            Assert.Equal(nameof(LambdaRuntimeApiException), line.GetProperty("errorType").GetString());
        }
        // The backoff grows, within its bound.
        Assert.Equal(50, first.GetProperty("retryInMs").GetInt64());
        Assert.Equal(100, second.GetProperty("retryInMs").GetInt64());
        Assert.False(answer.IsError);
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(answer.Body));
        Assert.True(harness.Api.Requests.Count(r => r.Call == RuntimeApiCall.Next) >= 3);
    }

    [Fact]
    public async Task A_500_on_the_response_post_is_logged_and_the_loop_processes_the_next_invocation()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();
        harness.Api.FailNext(RuntimeApiCall.Response);
        var lost = harness.Api.Enqueue("{\"n\":1}");
        var next = harness.Api.Enqueue("{\"n\":2}");
        harness.Run(DelegateHandler.Echo);

        var line = await harness.Diagnostics.NextLineAsync();
        harness.Time.Advance(LambdaRuntimeLoop.MaxRetryDelay);
        var answer = await next.WaitAsync(Timeout);

        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal(nameof(LambdaRuntimeApiException), line.GetProperty("errorType").GetString());
        Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(answer.Body));
        Assert.False(lost.IsCompleted);
        Assert.Contains(harness.Api.Requests, r => r.Call == RuntimeApiCall.Response && r.Body.AsSpan().SequenceEqual("{\"n\":1}"u8));
    }

    [Fact]
    public async Task A_response_post_that_never_answers_times_out_and_the_loop_goes_on()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();
        harness.Api.StallNext(RuntimeApiCall.Response);
        var stalled = FakeInvocation.FromJson("{\"n\":1}");
        _ = harness.Api.Enqueue(stalled);
        var next = harness.Api.Enqueue("{\"n\":2}");
        harness.Run(DelegateHandler.Echo);

        // The POST has reached the server, so its timeout timer is armed on the fake clock.
        await harness.Api.WaitForRequestAsync(r => r.Call == RuntimeApiCall.Response && r.RequestId == stalled.RequestId).WaitAsync(Timeout);
        harness.Time.Advance(LambdaRuntimeClient.DefaultPostTimeout);
        var line = await harness.Diagnostics.NextLineAsync();
        harness.Time.Advance(LambdaRuntimeLoop.MaxRetryDelay);
        var answer = await next.WaitAsync(Timeout);

        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal(nameof(TimeoutException), line.GetProperty("errorType").GetString());
        Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(answer.Body));
    }

    [Fact]
    public async Task A_refused_connection_is_logged_and_retried_until_cancelled()
    {
        // Bound but never listening: connections are refused, and no other test can take the port meanwhile.
        using var closed = new Socket(SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var address = "127.0.0.1:" + ((IPEndPoint)closed.LocalEndPoint!).Port;
        var writer = new LineCaptureWriter();
        var time = new FakeTimeProvider();
        using var stop = new CancellationTokenSource();
        var options = new LambdaHostOptions
        {
            Diagnostics = writer,
            TimeProvider = time,
            GetEnvironmentVariable = name => name == LambdaHost.RuntimeApiVariable ? address : null,
        };
        var run = Task.Run(() => LambdaHost.RunAsync(DelegateHandler.Echo, options, stop.Token));

        var first = await writer.NextLineAsync();
        time.Advance(LambdaRuntimeLoop.MaxRetryDelay);
        var second = await writer.NextLineAsync();
        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(Timeout);

        Assert.Equal(nameof(HttpRequestException), first.GetProperty("errorType").GetString());
        Assert.Equal(nameof(HttpRequestException), second.GetProperty("errorType").GetString());
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void The_retry_delay_doubles_from_50_ms_and_stops_at_one_second()
    {
        var delays = Enumerable.Range(1, 40).Select(LambdaRuntimeLoop.RetryDelay).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(50), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), delays[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(800), delays[4]);
        Assert.All(delays.Skip(5), d => Assert.Equal(TimeSpan.FromSeconds(1), d));
    }
}
