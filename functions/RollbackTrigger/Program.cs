using Automation.Core.Lambda;

namespace Automation.RollbackTrigger;

internal static class Program
{
    private static Task<int> Main()
        => LambdaHost.RunAsync(cancellationToken => RollbackFunction.CreateAsync(Environment.GetEnvironmentVariable, Console.Error, TimeProvider.System, cancellationToken));
}
