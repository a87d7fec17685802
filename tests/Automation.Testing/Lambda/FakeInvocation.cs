using System.Text;

namespace Automation.Testing.Lambda;

/// <summary>An event for the fake Runtime API to hand out on GET next, with the headers Lambda would send.</summary>
/// <param name="Payload">The event body.</param>
public sealed record FakeInvocation(byte[] Payload)
{
    public const string DefaultFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:test-function";

    public string RequestId { get; init; } = Guid.NewGuid().ToString();

    /// <summary>Sent as Lambda-Runtime-Deadline-Ms; null means five minutes after the event is handed out.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public string? FunctionArn { get; init; } = DefaultFunctionArn;

    /// <summary>Sent as Lambda-Runtime-Trace-Id when set.</summary>
    public string? TraceId { get; init; }

    public string? ClientContext { get; init; }

    public string? CognitoIdentity { get; init; }

    public static FakeInvocation FromJson(string json) => new(Encoding.UTF8.GetBytes(json));
}
