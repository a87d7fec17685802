using Automation.Core.Lambda;

namespace Automation.Core.Tests.Lambda;

internal sealed class DelegateHandler(Func<ReadOnlyMemory<byte>, LambdaContext, CancellationToken, Task<byte[]>> handle)
    : ILambdaHandler, IDisposable
{
    public bool Disposed { get; private set; }

    public Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken) =>
        handle(payload, context, cancellationToken);

    public void Dispose() => Disposed = true;

    /// <summary>Answers every event with its own payload.</summary>
    public static DelegateHandler Echo() => new((payload, _, _) => Task.FromResult(payload.ToArray()));
}
