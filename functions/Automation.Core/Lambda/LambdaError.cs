namespace Automation.Core.Lambda;

/// <summary>The body the Runtime API expects on /invocation/{id}/error and /init/error.</summary>
/// <param name="ErrorMessage">The exception message only.</param>
/// <param name="ErrorType">The exception type name, also sent as Lambda-Runtime-Function-Error-Type.</param>
/// <param name="StackTrace">Always empty: a stack trace can carry data we do not want in Lambda's error reports.</param>
internal sealed record LambdaError(string ErrorMessage, string ErrorType, IReadOnlyList<string> StackTrace)
{
    public static LambdaError FromException(Exception exception) =>
        new(exception.Message, exception.GetType().Name, []);
}
