namespace Automation.LogForwarder.Bulk;

/// <summary>One item of a _bulk answer: its status and, when it failed, the error's type and reason.</summary>
internal readonly record struct BulkItemResult(int Status, string? ErrorType, string? Reason);
