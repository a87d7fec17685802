using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Automation.Core.Lambda;

/// <summary>
/// The four calls of the Lambda Runtime API (version 2018-06-01): next invocation, invocation response,
/// invocation error and init error. Every failure surfaces as an exception; the loop decides what to do with it.
/// </summary>
internal sealed class LambdaRuntimeClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ClientContextHeader = "Lambda-Runtime-Client-Context";
    public const string CognitoIdentityHeader = "Lambda-Runtime-Cognito-Identity";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    /// <summary>Used when the deadline header is missing or unreadable: the longest timeout Lambda allows.</summary>
    internal static readonly TimeSpan FallbackTimeout = TimeSpan.FromMinutes(15);

    /// <summary>How long a POST may take before it counts as a transient failure (the GET has no limit).</summary>
    internal static readonly TimeSpan DefaultPostTimeout = TimeSpan.FromSeconds(30);

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _postTimeout;

    /// <param name="baseAddress">From <see cref="TryCreateBaseAddress"/>.</param>
    public LambdaRuntimeClient(Uri baseAddress, TimeProvider time, TimeSpan? postTimeout = null)
    {
        _time = time;
        _postTimeout = postTimeout ?? DefaultPostTimeout;
        var handler = new SocketsHttpHandler
        {
            // The Runtime API is always local; an HTTP(S)_PROXY in the function's environment must not capture it.
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            // GET next long-polls: the process may be frozen between events for any length of time.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The HttpClient's own timeout, exposed so a test can prove the long poll is never cut.</summary>
    internal TimeSpan HttpTimeout => _http.Timeout;

    /// <summary>Turns AWS_LAMBDA_RUNTIME_API ("host:port") into the versioned base address.</summary>
    public static bool TryCreateBaseAddress(string? runtimeApi, out Uri baseAddress)
    {
        baseAddress = null!;
        if (string.IsNullOrWhiteSpace(runtimeApi)
            || !Uri.TryCreate("http://" + runtimeApi.Trim() + "/2018-06-01/", UriKind.Absolute, out var uri)
            || uri.AbsolutePath != "/2018-06-01/"
            || uri.UserInfo.Length != 0
            || uri.Query.Length != 0
            || uri.Fragment.Length != 0)
        {
            return false;
        }
        baseAddress = uri;
        return true;
    }

    /// <summary>Blocks (long poll) until Lambda has an event for this environment.</summary>
    public async Task<LambdaInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        EnsureSuccess(response, "GET next invocation");

        var requestId = Header(response, RequestIdHeader);
        if (string.IsNullOrEmpty(requestId))
        {
            throw new LambdaRuntimeApiException($"The next invocation came without {RequestIdHeader}.");
        }

        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var context = new LambdaContext(
            requestId,
            ParseDeadline(Header(response, DeadlineHeader)),
            Header(response, FunctionArnHeader),
            Header(response, TraceIdHeader));
        return new LambdaInvocation(payload, context, Header(response, ClientContextHeader), Header(response, CognitoIdentityHeader));
    }

    public Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, errorType: null, "POST invocation response", cancellationToken);
    }

    public Task PostInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", ErrorContent(error), error.ErrorType, "POST invocation error", cancellationToken);

    public Task PostInitErrorAsync(LambdaError error, CancellationToken cancellationToken) =>
        PostAsync("runtime/init/error", ErrorContent(error), error.ErrorType, "POST init error", cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, HttpContent content, string? errorType, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        // The timer runs on the injected clock so tests can expire it without waiting.
        using var timeout = new CancellationTokenSource(_postTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            EnsureSuccess(response, what);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Runtime API {what} got no answer within {_postTimeout.TotalSeconds:0.###} s.");
        }
    }

    private static ByteArrayContent ErrorContent(LambdaError error)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, LambdaRuntimeJsonContext.Default.LambdaError));
        content.Headers.ContentType = Json;
        return content;
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeApiException(
                $"Runtime API {what} answered {(int)response.StatusCode} {response.ReasonPhrase}.", response.StatusCode);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        // NonValidated: custom headers such as the client context are JSON and must not be split on commas.
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    private DateTimeOffset ParseDeadline(string? value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epochMs)
            && epochMs <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(epochMs);
        }
        // Lambda always sends it; without it the invocation is still answerable, so assume the longest timeout.
        return _time.GetUtcNow() + FallbackTimeout;
    }
}
