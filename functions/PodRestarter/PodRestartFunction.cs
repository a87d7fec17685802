using Automation.Core.Lambda;
using Automation.Core.Pipeline;

namespace Automation.PodRestarter;

/// <summary>PodRestartFunction's object graph. Its actions come in later; for now it decodes, parses and reports.</summary>
internal static class PodRestartFunction
{
    public const string LogicalId = "PodRestartFunction";

    public static ILambdaHandler Create(Func<string, string?> environment, TextWriter logOutput, TimeProvider time)
        => FunctionComposition.CreateHandler(LogicalId, environment, (_, _) => new NoActionSink(), logOutput, time);
}
