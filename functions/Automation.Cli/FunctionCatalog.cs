using Automation.Core.Lambda;

namespace Automation.Cli;

/// <summary>The functions of template.yaml by logical id, each with the same factory its Lambda bootstrap calls.</summary>
internal static class FunctionCatalog
{
    public delegate ILambdaHandler Factory(Func<string, string?> environment, TextWriter logOutput, TimeProvider time);

    public static IReadOnlyDictionary<string, Factory> Functions { get; } = new Dictionary<string, Factory>(StringComparer.Ordinal)
    {
        [PodRestarter.PodRestartFunction.LogicalId] = PodRestarter.PodRestartFunction.Create,
        [RollbackTrigger.RollbackFunction.LogicalId] = RollbackTrigger.RollbackFunction.Create,
        [LogForwarder.LogForwarderFunction.LogicalId] = LogForwarder.LogForwarderFunction.Create,
    };
}
