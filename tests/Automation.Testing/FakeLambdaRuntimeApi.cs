using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Automation.Testing.Lambda;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Automation.Testing;

/// <summary>
/// The Lambda Runtime API (2018-06-01) on 127.0.0.1 and a free port, for the real client, loop or a published
/// bootstrap (point AWS_LAMBDA_RUNTIME_API at <see cref="RuntimeApiAddress"/>). Tests queue invocations and await how
/// each was answered; every request is recorded; faults can be injected per call. Disposing releases a pending
/// GET next with 410 Gone and stops the server.
/// </summary>
public sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<FakeInvocation> _queue = Channel.CreateUnbounded<FakeInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> _outcomes = new();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new();
    private readonly TaskCompletionSource<RecordedRequest> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(Func<RecordedRequest, bool> Match, TaskCompletionSource<RecordedRequest> Seen)> _watchers = [];
    private readonly Dictionary<RuntimeApiCall, Queue<HttpStatusCode?>> _faults = [];
    private WebApplication? _app;

    private FakeLambdaRuntimeApi(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>"127.0.0.1:port", the value for AWS_LAMBDA_RUNTIME_API.</summary>
    public string RuntimeApiAddress { get; private set; } = "";

    /// <summary>Completes with the first POST to /runtime/init/error.</summary>
    public Task<RecordedRequest> InitError => _initError.Task;

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <param name="time">Clock for default deadlines (five minutes after hand-out); the system clock when null.</param>
    public static async Task<FakeLambdaRuntimeApi> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var fake = new FakeLambdaRuntimeApi(time ?? TimeProvider.System);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake._app = app;
        fake.RuntimeApiAddress = "127.0.0.1:" + new Uri(address).Port.ToString(CultureInfo.InvariantCulture);
        return fake;
    }

    /// <summary>Queues an event for GET next.</summary>
    /// <returns>Completes when the runtime posts a response or an error for it (wrap it in WaitAsync).</returns>
    public Task<InvocationOutcome> Enqueue(FakeInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var outcome = OutcomeSource(invocation.RequestId);
        if (!_queue.Writer.TryWrite(invocation))
        {
            throw new ObjectDisposedException(nameof(FakeLambdaRuntimeApi));
        }
        return outcome.Task;
    }

    public Task<InvocationOutcome> Enqueue(string jsonPayload) => Enqueue(FakeInvocation.FromJson(jsonPayload));

    /// <summary>The outcome of an invocation queued earlier.</summary>
    public Task<InvocationOutcome> OutcomeOf(string requestId) => OutcomeSource(requestId).Task;

    /// <summary>The next <paramref name="count"/> calls of that kind are answered with <paramref name="statusCode"/> and have no other effect.</summary>
    public void FailNext(RuntimeApiCall call, int count = 1, HttpStatusCode statusCode = HttpStatusCode.InternalServerError) =>
        AddFaults(call, count, statusCode);

    /// <summary>The next <paramref name="count"/> calls of that kind are recorded and then never answered (until the caller gives up or the fake is disposed).</summary>
    public void StallNext(RuntimeApiCall call, int count = 1) => AddFaults(call, count, null);

    /// <summary>Completes with the first request, past or future, that matches.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_gate)
        {
            var seen = _requests.FirstOrDefault(match);
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }
            var watcher = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((match, watcher));
            return watcher.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        _queue.Writer.TryComplete();
        var disposed = new ObjectDisposedException(nameof(FakeLambdaRuntimeApi));
        foreach (var outcome in _outcomes.Values)
        {
            outcome.TrySetException(disposed);
        }
        _initError.TrySetException(disposed);
        lock (_gate)
        {
            foreach (var (_, seen) in _watchers)
            {
                seen.TrySetException(disposed);
            }
            _watchers.Clear();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private TaskCompletionSource<InvocationOutcome> OutcomeSource(string requestId) =>
        _outcomes.GetOrAdd(requestId, _ => new TaskCompletionSource<InvocationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));

    private void AddFaults(RuntimeApiCall call, int count, HttpStatusCode? statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            if (!_faults.TryGetValue(call, out var queue))
            {
                _faults[call] = queue = new Queue<HttpStatusCode?>();
            }
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(statusCode);
            }
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = await RecordAsync(http);
        if (request.Call is not { } call)
        {
            await AnswerAsync(http, HttpStatusCode.NotFound, "UnknownPath", $"{request.Method} {request.Path} is not a Runtime API call.");
            return;
        }

        if (TakeFault(call, out var fault))
        {
            if (fault is { } status)
            {
                await AnswerAsync(http, status, "InjectedFault", "Fault injected by the test.");
                return;
            }
            await StallAsync(http);
            return;
        }

        switch (call)
        {
            case RuntimeApiCall.Next:
                await HandOutNextAsync(http);
                break;
            case RuntimeApiCall.Response:
            case RuntimeApiCall.Error:
                await CompleteInvocationAsync(http, request);
                break;
            case RuntimeApiCall.InitError:
                _initError.TrySetResult(request);
                await AcceptedAsync(http);
                break;
        }
    }

    private async Task HandOutNextAsync(HttpContext http)
    {
        FakeInvocation invocation;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
        try
        {
            // Long poll like Lambda: the GET stays open until an event is queued.
            invocation = await _queue.Reader.ReadAsync(waiting.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            if (!http.RequestAborted.IsCancellationRequested)
            {
                await AnswerAsync(http, HttpStatusCode.Gone, "RuntimeApiStopped", "The fake Runtime API was disposed.");
            }
            return;
        }

        _inFlight[invocation.RequestId] = 0;
        var deadline = invocation.Deadline ?? _time.GetUtcNow() + DefaultTimeout;
        var headers = http.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        SetIfPresent(headers, "Lambda-Runtime-Invoked-Function-Arn", invocation.FunctionArn);
        SetIfPresent(headers, "Lambda-Runtime-Trace-Id", invocation.TraceId);
        SetIfPresent(headers, "Lambda-Runtime-Client-Context", invocation.ClientContext);
        SetIfPresent(headers, "Lambda-Runtime-Cognito-Identity", invocation.CognitoIdentity);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = invocation.Payload.Length;
        await http.Response.Body.WriteAsync(invocation.Payload, http.RequestAborted);
    }

    private async Task CompleteInvocationAsync(HttpContext http, RecordedRequest request)
    {
        // Like Lambda, only an invocation that was handed out and not yet answered can be answered.
        if (request.RequestId is null || !_inFlight.TryRemove(request.RequestId, out _))
        {
            await AnswerAsync(http, HttpStatusCode.BadRequest, "InvalidRequestID", "No invocation with that id is waiting for an answer.");
            return;
        }
        var outcome = new InvocationOutcome(request.RequestId, request.Call == RuntimeApiCall.Error, request);
        OutcomeSource(request.RequestId).TrySetResult(outcome);
        await AcceptedAsync(http);
    }

    private async Task StallAsync(HttpContext http)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, waiting.Token);
        }
        catch (OperationCanceledException)
        {
            http.Abort();
        }
    }

    private bool TakeFault(RuntimeApiCall call, out HttpStatusCode? fault)
    {
        lock (_gate)
        {
            if (_faults.TryGetValue(call, out var queue) && queue.TryDequeue(out fault))
            {
                return true;
            }
        }
        fault = null;
        return false;
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        // The target as sent (still percent-encoded), so tests see exactly what the client asked for.
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        var (call, requestId) = Classify(http.Request.Method, path);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in http.Request.Headers)
        {
            headers[name] = values.ToString();
        }
        var request = new RecordedRequest(http.Request.Method, path, call, requestId, headers, body.ToArray());

        List<TaskCompletionSource<RecordedRequest>> matched = [];
        lock (_gate)
        {
            _requests.Add(request);
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (_watchers[i].Match(request))
                {
                    matched.Add(_watchers[i].Seen);
                    _watchers.RemoveAt(i);
                }
            }
        }
        foreach (var seen in matched)
        {
            seen.TrySetResult(request);
        }
        return request;
    }

    private static (RuntimeApiCall? Call, string? RequestId) Classify(string method, string path)
    {
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (null, null);
        }
        var segments = path[Prefix.Length..].Split('/');
        var get = HttpMethods.IsGet(method);
        var post = HttpMethods.IsPost(method);
        return segments switch
        {
            ["invocation", "next"] when get => (RuntimeApiCall.Next, null),
            ["invocation", var id, "response"] when post => (RuntimeApiCall.Response, Uri.UnescapeDataString(id)),
            ["invocation", var id, "error"] when post => (RuntimeApiCall.Error, Uri.UnescapeDataString(id)),
            ["init", "error"] when post => (RuntimeApiCall.InitError, null),
            _ => (null, null),
        };
    }

    private static void SetIfPresent(IHeaderDictionary headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers[name] = value;
        }
    }

    private static Task AcceptedAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync("{\"status\":\"OK\"}", http.RequestAborted);
    }

    private static Task AnswerAsync(HttpContext http, HttpStatusCode status, string errorType, string message)
    {
        http.Response.StatusCode = (int)status;
        http.Response.ContentType = "application/json";
        // The same body shape Lambda uses for its own errors.
        var body = $"{{\"errorMessage\":\"{JsonEncodedText.Encode(message)}\",\"errorType\":\"{JsonEncodedText.Encode(errorType)}\"}}";
        return http.Response.WriteAsync(body, Encoding.UTF8, http.RequestAborted);
    }
}
