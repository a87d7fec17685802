using System.Globalization;
using System.Net;
using Automation.Core.Actions;
using Automation.Core.Configuration;
using k8s.Autorest;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// Runs one Kubernetes API call with retries within the invocation's deadline: 429, 5xx and connection errors (and 409
/// where the caller says a retry can succeed) are tried again with exponential backoff; 403, 404 and other answers are
/// not, and come back as a <see cref="KubernetesCallException"/> whose reason names the status. A Retry-After in
/// seconds is waited for when longer than the backoff and still within the deadline. Counts every attempt,
/// so an audit line can say how many calls an action cost.
/// </summary>
internal sealed class KubernetesCalls
{
    private readonly KubernetesRetryOptions _options;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _deadline;
    private int _attempts;

    public KubernetesCalls(KubernetesRetryOptions options, TimeProvider time, DateTimeOffset deadline)
    {
        _options = options;
        _time = time;
        _deadline = deadline;
    }

    /// <summary>Attempts made so far (each one an HTTP request to the API server).</summary>
    public int Attempts => _attempts;

    /// <summary>
    /// Runs an action's calls and turns their failures into its result: an unusable cluster and a call refused for good
    /// fail it, a call that may still succeed (429, 5xx, the deadline) retries it. The facts gain the calls made and
    /// the HTTP status.
    /// </summary>
    public async Task<ActionResult> ActAsync(string cluster, Dictionary<string, string> facts, Func<Task<ActionResult>> act)
    {
        try
        {
            return await act().ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            return ActionResult.Failed($"cluster {cluster} is not usable: {e.Message}", facts);
        }
        catch (KubernetesCallException e)
        {
            facts["apiCalls"] = Attempts.ToString(CultureInfo.InvariantCulture);
            if (e.Status is { } status)
            {
                facts["httpStatus"] = status.ToString(CultureInfo.InvariantCulture);
            }
            return e.Retryable ? ActionResult.Retry($"{e.Call}: {e.Reason}", facts) : ActionResult.Failed($"{e.Call}: {e.Reason}", facts);
        }
    }

    /// <param name="call">What is called, for reasons: "get pod payments/web-1".</param>
    /// <param name="retryConflict">True when a 409 may clear on its own (a patch racing another writer).</param>
    public async Task<T> RunAsync<T>(string call, Func<CancellationToken, Task<T>> send, bool retryConflict, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var left = _deadline - _time.GetUtcNow() - _options.DeadlineMargin;
            if (left <= TimeSpan.Zero)
            {
                throw new KubernetesCallException(call, null, retryable: true, "the invocation's deadline came before the call could be made");
            }

            KubernetesCallException failure;
            TimeSpan? retryAfter = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(left < _options.AttemptTimeout ? left : _options.AttemptTimeout);
                try
                {
                    Interlocked.Increment(ref _attempts);
                    return await send(timeout.Token).ConfigureAwait(false);
                }
                catch (HttpOperationException e)
                {
                    failure = Classify(call, (int)e.Response.StatusCode, retryConflict, e);
                    retryAfter = RetryAfter(e);
                }
                catch (HttpRequestException e)
                {
                    failure = new KubernetesCallException(call, null, retryable: true, $"connection failed ({e.HttpRequestError})", e);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new KubernetesCallException(call, null, retryable: true, "the API server did not answer in time", e);
                }
            }

            if (!failure.Retryable || attempt >= _options.MaxAttempts)
            {
                throw failure;
            }
            // The server's Retry-After (429, 503) is honoured when it asks for longer than the backoff.
            var delay = retryAfter is { } asked && asked > _options.DelayAfter(attempt) ? asked : _options.DelayAfter(attempt);
            if (_time.GetUtcNow() + delay > _deadline - _options.DeadlineMargin)
            {
                throw new KubernetesCallException(call, failure.Status, retryable: true, failure.Reason + "; no time left to try again before the deadline", failure);
            }
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan? RetryAfter(HttpOperationException e) =>
        e.Response.Headers is { } headers
        && headers.TryGetValue("Retry-After", out var values)
        && values.FirstOrDefault() is { } value
        && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, 60))
            : null;

    private static KubernetesCallException Classify(string call, int status, bool retryConflict, Exception inner) => status switch
    {
        (int)HttpStatusCode.Forbidden => new(call, status, false,
            "403 forbidden: the function's identity may not do this (check deploy/kubernetes/rbac.yaml and the EKS access entry)", inner),
        (int)HttpStatusCode.Unauthorized => new(call, status, false, "401 unauthorized: the API server did not accept the function's credentials", inner),
        (int)HttpStatusCode.NotFound => new(call, status, false, "404 not found", inner),
        (int)HttpStatusCode.Conflict => new(call, status, retryConflict, "409 conflict", inner),
        (int)HttpStatusCode.TooManyRequests => new(call, status, true, "429 too many requests", inner),
        >= 500 => new(call, status, true, $"{status} server error", inner),
        _ => new(call, status, false, $"{status} refused", inner),
    };
}
