namespace Automation.LogForwarder;

internal static class Program
{
    private static int Main() => 0;
}
