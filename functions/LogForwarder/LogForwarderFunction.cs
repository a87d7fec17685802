using Automation.Core.Lambda;
using Automation.Core.Pipeline;

namespace Automation.LogForwarder;

/// <summary>LogForwarderFunction's object graph. Its actions come in later; for now it decodes, parses and reports.</summary>
internal static class LogForwarderFunction
{
    public const string LogicalId = "LogForwarderFunction";

    public static ILambdaHandler Create(Func<string, string?> environment, TextWriter logOutput, TimeProvider time)
        => FunctionComposition.CreateHandler(LogicalId, environment, (_, _) => new NoActionSink(), logOutput, time);
}
