using Automation.Core.Lambda;
using Automation.Core.Pipeline;

namespace Automation.RollbackTrigger;

/// <summary>RollbackFunction's object graph. Its actions come in later; for now it decodes, parses and reports.</summary>
internal static class RollbackFunction
{
    public const string LogicalId = "RollbackFunction";

    /// <summary>Secret with the GitHub credentials: a token, or a GitHub App's JSON (app id, installation id, private key).</summary>
    public const string GitHubSecretVariable = "GITHUB_SECRET_ARN";

    public static FunctionDefinition Definition { get; } = new(LogicalId, [GitHubSecretVariable], services => new NoActionSink(services.Ledger));

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(Definition, environment, logOutput, time, cancellationToken);
}
