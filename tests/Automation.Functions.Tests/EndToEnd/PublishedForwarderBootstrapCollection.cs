namespace Automation.Functions.Tests.EndToEnd;

/// <summary>The test classes that run LogForwarderFunction's published bootstrap share one Native AOT publish.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedForwarderBootstrapCollection : ICollectionFixture<PublishedForwarderBootstrap>
{
    public const string Name = "Published forwarder bootstrap";
}
