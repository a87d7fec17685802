using Automation.Core.Lambda;

namespace Automation.Core.Pipeline;

/// <summary>What makes one function different from the others: its name, its secrets and its action stage.</summary>
/// <param name="Name">The template's logical id, e.g. PodRestartFunction.</param>
/// <param name="SecretVariables">
/// The environment variables that may name a Secrets Manager secret of this function (e.g. GITHUB_SECRET_ARN). Each one
/// that is set is read at INIT; unset ones are simply not used.
/// </param>
/// <param name="CreateSink">The function's action stage, built once INIT has everything it needs.</param>
public sealed record FunctionDefinition(string Name, IReadOnlyList<string> SecretVariables, Func<FunctionServices, IBatchSink> CreateSink)
{
    /// <summary>
    /// The handler of CloudWatch Logs subscription events (<c>{"awslogs":...}</c>), for a function that is also a
    /// subscription filter's destination; built at INIT after the sink, with the same services. Null: Kafka batches only.
    /// </summary>
    public Func<FunctionServices, ILambdaHandler>? CreateLogEventsHandler { get; init; }
}
