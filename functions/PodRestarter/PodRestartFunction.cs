using Automation.Core.Lambda;
using Automation.Core.Pipeline;

namespace Automation.PodRestarter;

/// <summary>PodRestartFunction's object graph. Its actions come in later; for now it decodes, parses and reports.</summary>
internal static class PodRestartFunction
{
    public const string LogicalId = "PodRestartFunction";

    /// <summary>Secret with a kubeconfig, for clusters that are not EKS (EKS clusters are reached with the function's role).</summary>
    public const string KubeconfigSecretVariable = "KUBECONFIG_SECRET_ARN";

    public static FunctionDefinition Definition { get; } = new(LogicalId, [KubeconfigSecretVariable], services => new NoActionSink(services.Ledger));

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(Definition, environment, logOutput, time, cancellationToken);
}
