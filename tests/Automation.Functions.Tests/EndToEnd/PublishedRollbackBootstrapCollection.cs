namespace Automation.Functions.Tests.EndToEnd;

/// <summary>The test classes that run RollbackFunction's published bootstrap share one ReadyToRun publish.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedRollbackBootstrapCollection : ICollectionFixture<PublishedRollbackBootstrap>
{
    public const string Name = "Published rollback bootstrap";
}
