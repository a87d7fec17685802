namespace Automation.Testing.Lambda;

/// <summary>How the runtime under test answered one invocation: a response, or an error report.</summary>
/// <param name="Request">The POST that answered it (body, headers).</param>
public sealed record InvocationOutcome(string RequestId, bool IsError, RecordedRequest Request)
{
    public byte[] Body => Request.Body;

    /// <summary>Lambda-Runtime-Function-Error-Type of an error report; null for a response.</summary>
    public string? ErrorType => Request.ErrorType;
}
