using Automation.Core.Lambda;

namespace Automation.LogForwarder;

internal static class Program
{
    private static Task<int> Main()
        => LambdaHost.RunAsync(cancellationToken => LogForwarderFunction.CreateAsync(Environment.GetEnvironmentVariable, Console.Error, TimeProvider.System, cancellationToken));
}
