namespace Automation.PodRestarter;

internal static class Program
{
    private static int Main() => 0;
}
