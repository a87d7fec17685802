namespace Automation.Core.Lambda;

/// <summary>
/// next → handler → response, until cancelled. A handler exception is reported on /error; a failing Runtime API call is
/// logged and retried after a short, capped backoff. Nothing but cancellation ends the loop.
/// </summary>
internal sealed class LambdaRuntimeLoop(
    LambdaRuntimeClient client,
    ILambdaHandler handler,
    TimeProvider time,
    RuntimeDiagnostics diagnostics)
{
    /// <summary>The variable the X-Ray SDKs read the current trace header from.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Small on purpose: a Lambda environment is billed while it waits, and the Runtime API is local.</summary>
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Longest deadline timer we arm; timers cannot span more than ~49 days and Lambda never gives more than 15 minutes.</summary>
    private static readonly TimeSpan MaxDeadlineDelay = TimeSpan.FromDays(1);

    /// <summary>Returns when <paramref name="cancellationToken"/> is cancelled; never throws for a failed invocation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failuresInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var invocation = await client.GetNextInvocationAsync(cancellationToken).ConfigureAwait(false);
                await ProcessAsync(invocation, cancellationToken).ConfigureAwait(false);
                failuresInARow = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failuresInARow++;
                if (!await BackOffAsync(exception, failuresInARow, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private async Task ProcessAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var context = invocation.Context;
        // Null removes the variable, so a trace id never leaks from one invocation into the next.
        Environment.SetEnvironmentVariable(TraceIdVariable, string.IsNullOrEmpty(context.TraceId) ? null : context.TraceId);

        byte[] response;
        try
        {
            using var deadline = DeadlineSource(context.Deadline);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            response = await handler.HandleAsync(invocation.Payload, context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // Shutting down: the environment is going away, nobody waits for this answer.
        }
        catch (Exception exception)
        {
            var error = LambdaError.FromException(exception);
            diagnostics.Error("Handler failed", exception, context.AwsRequestId);
            await client.PostInvocationErrorAsync(context.AwsRequestId, error, cancellationToken).ConfigureAwait(false);
            return;
        }

        await client.PostResponseAsync(context.AwsRequestId, response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A token source that fires at the invocation deadline on the injected clock.</summary>
    private CancellationTokenSource DeadlineSource(DateTimeOffset deadline)
    {
        var left = deadline - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            var expired = new CancellationTokenSource();
            expired.Cancel();
            return expired;
        }
        return new CancellationTokenSource(left < MaxDeadlineDelay ? left : MaxDeadlineDelay, time);
    }

    /// <returns>false when cancelled while waiting.</returns>
    private async Task<bool> BackOffAsync(Exception exception, int failuresInARow, CancellationToken cancellationToken)
    {
        var delay = RetryDelay(failuresInARow);
        // Arm the timer before writing the line: whoever reads the line (a test driving a fake clock) knows it exists.
        var wait = Task.Delay(delay, time, cancellationToken);
        diagnostics.Warning("Runtime API call failed; retrying", exception, requestId: null, retryIn: delay);
        try
        {
            await wait.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    internal static TimeSpan RetryDelay(int failuresInARow)
    {
        var doublings = Math.Clamp(failuresInARow - 1, 0, 16);
        var delay = FirstRetryDelay * (1 << doublings);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
