namespace Automation.Core.Lambda;

/// <summary>One event handed out by the Runtime API's next-invocation call.</summary>
/// <param name="Payload">The event body, passed to the handler untouched.</param>
/// <param name="Context">Request id, deadline, function ARN and trace id from the response headers.</param>
/// <param name="ClientContext">Lambda-Runtime-Client-Context (mobile SDK invocations only); kept here because <see cref="LambdaContext"/> has no slot for it.</param>
/// <param name="CognitoIdentity">Lambda-Runtime-Cognito-Identity (mobile SDK invocations only).</param>
internal sealed record LambdaInvocation(
    ReadOnlyMemory<byte> Payload,
    LambdaContext Context,
    string? ClientContext,
    string? CognitoIdentity);
