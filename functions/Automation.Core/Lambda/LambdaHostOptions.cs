namespace Automation.Core.Lambda;

/// <summary>What <see cref="LambdaHost"/> takes from its surroundings; tests replace each one.</summary>
public sealed record LambdaHostOptions
{
    /// <summary>Where the runtime writes its JSON diagnostic lines (Lambda ships stderr to CloudWatch Logs).</summary>
    public TextWriter Diagnostics { get; init; } = Console.Error;

    /// <summary>Environment lookup, used for AWS_LAMBDA_RUNTIME_API.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Clock for invocation deadlines, POST timeouts and retry backoff.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
