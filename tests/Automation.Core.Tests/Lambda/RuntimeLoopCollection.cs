namespace Automation.Core.Tests.Lambda;

/// <summary>
/// Tests that run the runtime loop share one collection, so they run one after another: the loop sets the real
/// process-wide _X_AMZN_TRACE_ID, which parallel loops would overwrite under each other's handlers.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RuntimeLoopCollection
{
    public const string Name = "Lambda runtime loop (process environment)";
}
