using Automation.Core.Lambda;

namespace Automation.LogForwarder;

internal static class Program
{
    private static Task<int> Main()
        => LambdaHost.RunAsync(() => LogForwarderFunction.Create(Environment.GetEnvironmentVariable, Console.Error, TimeProvider.System));
}
