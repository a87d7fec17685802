namespace Automation.Testing.Lambda;

/// <summary>One HTTP request as the fake Runtime API received it.</summary>
/// <param name="Call">Which Runtime API call the path names, or null for a path the API does not have.</param>
/// <param name="RequestId">The invocation id taken from the path (response and error calls), else null.</param>
/// <param name="Headers">Request headers, names case-insensitive, repeated headers joined with ", ".</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    RuntimeApiCall? Call,
    string? RequestId,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Lambda-Runtime-Function-Error-Type, sent with error reports.</summary>
    public string? ErrorType => Header("Lambda-Runtime-Function-Error-Type");
}
