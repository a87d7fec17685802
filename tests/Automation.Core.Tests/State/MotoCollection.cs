using Automation.Testing;

namespace Automation.Core.Tests.State;

/// <summary>
/// One moto server for all DynamoDB tests. The collection also keeps them from running alongside each other, which the
/// test of the standard endpoint variables needs (it sets process environment variables).
/// </summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
