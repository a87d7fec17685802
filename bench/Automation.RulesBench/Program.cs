namespace Automation.RulesBench;

/// <summary>
/// rules [--iterations N] [--warmup N] [--python CMD|none] [--script PATH]   the benchmark; prints one JSON object
/// yaml                                                                     prints the 50-rule set as rules.yaml
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => RulesBenchmark.RunAsync(args);
}
