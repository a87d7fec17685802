namespace Automation.Functions.Tests.EndToEnd;

/// <summary>The test classes that run the published bootstrap share one Native AOT publish (it takes minutes).</summary>
[CollectionDefinition(Name)]
public sealed class PublishedBootstrapCollection : ICollectionFixture<PublishedBootstrap>
{
    public const string Name = "Published bootstrap";
}
