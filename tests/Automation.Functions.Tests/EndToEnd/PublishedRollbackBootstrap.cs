namespace Automation.Functions.Tests.EndToEnd;

/// <summary>RollbackFunction's artifact: the self-contained ReadyToRun publish its Makefile makes, apphost renamed to bootstrap.</summary>
public sealed class PublishedRollbackBootstrap : PublishedBootstrap
{
    public PublishedRollbackBootstrap()
        : base("RollbackTrigger", Automation.RollbackTrigger.RollbackFunction.LogicalId)
    {
    }
}
