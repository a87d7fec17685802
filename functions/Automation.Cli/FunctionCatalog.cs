using Automation.Core.Lambda;

namespace Automation.Cli;

/// <summary>The functions of template.yaml by logical id, each with the same factory its Lambda bootstrap calls.</summary>
internal static class FunctionCatalog
{
    public delegate Task<ILambdaHandler> Factory(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken);

    public static IReadOnlyDictionary<string, Factory> Functions { get; } = new Dictionary<string, Factory>(StringComparer.Ordinal)
    {
        [PodRestarter.PodRestartFunction.LogicalId] = PodRestarter.PodRestartFunction.CreateAsync,
        [RollbackTrigger.RollbackFunction.LogicalId] = RollbackTrigger.RollbackFunction.CreateAsync,
        [LogForwarder.LogForwarderFunction.LogicalId] = LogForwarder.LogForwarderFunction.CreateAsync,
    };
}
