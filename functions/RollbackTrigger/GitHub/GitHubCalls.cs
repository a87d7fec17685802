using System.Globalization;
using System.Net;
using Automation.Core.Actions;
using Octokit;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// Runs one GitHub call with GitHub's rules for retrying: on 403/429 with retry-after or x-ratelimit-reset it waits
/// when the wait ends before the invocation's deadline (less a margin) and otherwise hands the action back for
/// retry; 5xx and network errors are retried with doubling backoff; 401, other 403s, 404, 422 and every other 4xx
/// fail for good. Details name the call and GitHub's status and message, never credentials.
/// </summary>
internal sealed class GitHubCalls
{
    /// <summary>GitHub's advice for a secondary rate limit that names no time: wait at least a minute.</summary>
    private static readonly TimeSpan SecondaryLimitWait = TimeSpan.FromMinutes(1);
    private const int MaxMessageLength = 200;

    private readonly TimeProvider _time;
    private readonly GitHubRetryOptions _options;

    public GitHubCalls(TimeProvider time, GitHubRetryOptions options)
    {
        _time = time;
        _options = options;
    }

    public async Task<GitHubCallResult<T>> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var backoff = _options.FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan wait;
            string reason;
            try
            {
                return new GitHubCallResult<T>(await call(cancellationToken).ConfigureAwait(false), null, attempt);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (Classify(e) is { } problem)
            {
                switch (problem.Kind)
                {
                    case ProblemKind.Permanent:
                        return Fail<T>(ActionResult.Failed($"{what}: {problem.Text}", Facts(problem)), attempt);
                    case ProblemKind.RateLimited:
                        wait = problem.Until is { } until ? until - _time.GetUtcNow() : SecondaryLimitWait;
                        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
                        reason = $"{what}: {problem.Text}, rate limited for {Seconds(wait)}";
                        break;
                    default:
                        if (attempt >= _options.MaxAttempts)
                        {
                            return Fail<T>(ActionResult.Retry($"{what}: {problem.Text} on {attempt} attempts", Facts(problem)), attempt);
                        }
                        wait = backoff;
                        backoff *= 2;
                        reason = $"{what}: {problem.Text}";
                        break;
                }
                if (_time.GetUtcNow() + wait + _options.Margin > deadline)
                {
                    return Fail<T>(ActionResult.Retry($"{reason}, which ends too close to the invocation's deadline", Facts(problem)), attempt);
                }
            }
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static GitHubCallResult<T> Fail<T>(ActionResult result, int attempts) => new(default, result, attempts);

    private static Dictionary<string, string> Facts(Problem problem) =>
        problem.Status is { } status ? new() { ["httpStatus"] = status.ToString(CultureInfo.InvariantCulture) } : [];

    private enum ProblemKind
    {
        Permanent,
        RateLimited,
        Transient,
    }

    private sealed record Problem(ProblemKind Kind, string Text, int? Status, DateTimeOffset? Until = null);

    private Problem? Classify(Exception exception)
    {
        switch (exception)
        {
            case ApiException api:
                var status = (int)api.StatusCode;
                var text = $"GitHub answered {status}{Message(api)}";
                if (status is 403 or 429 && RateLimitEnd(api) is { } until)
                {
                    return new Problem(ProblemKind.RateLimited, text, status, until);
                }
                if (api is SecondaryRateLimitExceededException || (status == 429))
                {
                    return new Problem(ProblemKind.RateLimited, text, status);
                }
                return status >= 500 ? new Problem(ProblemKind.Transient, text, status) : new Problem(ProblemKind.Permanent, text, status);
            case HttpRequestException http:
                return new Problem(ProblemKind.Transient, $"no answer from GitHub ({http.HttpRequestError})", null);
            case TaskCanceledException or TimeoutException:
                return new Problem(ProblemKind.Transient, $"GitHub did not answer within {Seconds(_options.RequestTimeout)}", null);
            case FormatException format:
                // The secret: GitHubSecret's messages say what is wrong without quoting it.
                return new Problem(ProblemKind.Permanent, format.Message, null);
            default:
                return null;
        }
    }

    /// <summary>When the limit lifts: retry-after (seconds) first, then x-ratelimit-reset (epoch seconds) when none remain.</summary>
    private DateTimeOffset? RateLimitEnd(ApiException api)
    {
        if (api is RateLimitExceededException limit)
        {
            return limit.Reset;
        }
        var headers = api.HttpResponse?.Headers;
        if (headers is null)
        {
            return null;
        }
        if (Header(headers, "retry-after") is { } retryAfter && int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return _time.GetUtcNow().AddSeconds(seconds);
        }
        if (Header(headers, "x-ratelimit-remaining") == "0"
            && Header(headers, "x-ratelimit-reset") is { } reset && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return DateTimeOffset.FromUnixTimeSeconds(epoch);
        }
        return null;
    }

    private static string? Header(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>GitHub's own message (e.g. "Unexpected inputs provided"), cut and kept on one line.</summary>
    private static string Message(ApiException api)
    {
        var message = api.ApiError?.Message;
        if (string.IsNullOrWhiteSpace(message))
        {
            return api.StatusCode == HttpStatusCode.NotFound ? " (no such repository or workflow, or the credentials cannot see it)" : "";
        }
        var clean = new string([.. message.Take(MaxMessageLength).Select(c => char.IsControl(c) ? ' ' : c)]);
        var errors = api.ApiError?.Errors is { Count: > 0 } list
            ? ": " + string.Join("; ", list.Select(e => e.Message ?? e.Code).Where(m => !string.IsNullOrEmpty(m)).Take(3))
            : "";
        return $" ({clean}{errors})";
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(span.TotalSeconds):0}s");
}
