namespace Automation.Core.State;

/// <summary>Matches to add to one time bucket of a window counter.</summary>
public readonly record struct BucketCount(DateTimeOffset BucketStart, long Count);
