namespace Automation.Core.Lambda;

/// <summary>What Lambda tells a handler about the current invocation (from the Runtime API's next-invocation headers).</summary>
/// <param name="AwsRequestId">Lambda-Runtime-Aws-Request-Id.</param>
/// <param name="Deadline">Lambda-Runtime-Deadline-Ms: the wall-clock time at which Lambda stops the invocation.</param>
/// <param name="InvokedFunctionArn">Lambda-Runtime-Invoked-Function-Arn.</param>
/// <param name="TraceId">Lambda-Runtime-Trace-Id, also exported as _X_AMZN_TRACE_ID.</param>
public sealed record LambdaContext(string AwsRequestId, DateTimeOffset Deadline, string? InvokedFunctionArn, string? TraceId)
{
    /// <summary>Time left before the deadline, never negative.</summary>
    public TimeSpan RemainingTime(TimeProvider time)
    {
        var left = Deadline - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
