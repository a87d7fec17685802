using Automation.Core.Lambda;
using Automation.Core.Pipeline;

namespace Automation.LogForwarder;

/// <summary>LogForwarderFunction's object graph. Its actions come in later; for now it decodes, parses and reports.</summary>
internal static class LogForwarderFunction
{
    public const string LogicalId = "LogForwarderFunction";

    /// <summary>Secret with OpenSearch basic-auth credentials (JSON username and password); without it requests are signed with the role.</summary>
    public const string OpenSearchSecretVariable = "OPENSEARCH_SECRET_ARN";

    public static FunctionDefinition Definition { get; } = new(LogicalId, [OpenSearchSecretVariable], services => new NoActionSink(services.Ledger));

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(Definition, environment, logOutput, time, cancellationToken);
}
