namespace Automation.LogForwarder.Bulk;

/// <summary>What a bulk item carries.</summary>
internal enum BulkItemKind
{
    /// <summary>One log record's document.</summary>
    Document,

    /// <summary>A scripted upsert of one rule/group/minute aggregate.</summary>
    Aggregate,

    /// <summary>One audit line of an action function, from a CloudWatch Logs subscription event.</summary>
    Audit,

    /// <summary>A document or aggregate that OpenSearch rejected for good, with the raw text and the error.</summary>
    DeadLetter,
}
