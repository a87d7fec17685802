using System.Net;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Automation.Core.Telemetry;
using Polly;
using Polly.Retry;

namespace Automation.Core.State;

/// <summary>
/// The one retry layer around DynamoDB calls (the SDK's own retries are off, so waits do not multiply). Throttling,
/// 5xx answers, connection errors and timeouts are retried; everything else (a failed condition, validation, access
/// denied) is an answer and propagates at once. Each retry is logged with the operation and the error code, never
/// with keys or values.
/// </summary>
internal static class StateStoreRetry
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "TransactionConflictException",
    };

    public static ResiliencePipeline Create(StateStoreRetryOptions options, TimeProvider time, JsonLog? log) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && IsTransient(e, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    log?.Warn("state store call retried", json =>
                    {
                        json.WriteString("operation", args.Context.OperationKey);
                        json.WriteNumber("attempt", args.AttemptNumber + 1);
                        json.WriteNumber("delayMs", Math.Round(args.RetryDelay.TotalMilliseconds, 1));
                        json.WriteString("error", ErrorName(args.Outcome.Exception));
                    });
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    internal static bool IsTransient(Exception error, CancellationToken cancellationToken) => error switch
    {
        ConditionalCheckFailedException => false,
        AmazonServiceException service when service.ErrorCode is { } code && ThrottlingCodes.Contains(code) => true,
        AmazonServiceException service when (int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests => true,
        AmazonServiceException { InnerException: { } inner } => IsTransient(inner, cancellationToken),
        HttpRequestException or IOException => true,
        // A client-side timeout, not the invocation's deadline (then the token is cancelled and we stop).
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static string ErrorName(Exception? error) => error switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } => code,
        null => "",
        _ => error.GetType().Name,
    };
}
