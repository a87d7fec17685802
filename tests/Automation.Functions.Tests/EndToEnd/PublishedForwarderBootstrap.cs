namespace Automation.Functions.Tests.EndToEnd;

/// <summary>LogForwarderFunction's artifact: the Native AOT publish its Makefile makes, named bootstrap.</summary>
public sealed class PublishedForwarderBootstrap : PublishedBootstrap
{
    public PublishedForwarderBootstrap()
        : base("LogForwarder", Automation.LogForwarder.LogForwarderFunction.LogicalId)
    {
    }
}
