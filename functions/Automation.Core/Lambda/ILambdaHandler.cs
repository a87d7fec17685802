namespace Automation.Core.Lambda;

/// <summary>What the runtime loop calls once per invocation: raw event bytes in, raw response bytes out.</summary>
public interface ILambdaHandler
{
    /// <returns>The UTF-8 JSON response body.</returns>
    Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken);
}
