using Automation.Core.Lambda;

namespace Automation.PodRestarter;

internal static class Program
{
    private static Task<int> Main()
        => LambdaHost.RunAsync(cancellationToken => PodRestartFunction.CreateAsync(Environment.GetEnvironmentVariable, Console.Error, TimeProvider.System, cancellationToken));
}
