using System.Globalization;
using Automation.RollbackTrigger.GitHub;
using Automation.Testing;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>RollbackFunction's part of template.yaml against what its code needs.</summary>
public sealed class RollbackTemplateTests
{
    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void The_timeout_leaves_room_for_a_call_with_all_its_retries_and_the_margin_outlasts_a_request()
    {
        var timeout = TimeSpan.FromSeconds(int.Parse(Scalar(_template.FunctionProperty("RollbackFunction", "Timeout"))!, CultureInfo.InvariantCulture));
        var options = GitHubRetryOptions.Default;
        var backoffs = TimeSpan.FromTicks(options.FirstBackoff.Ticks * ((1L << (options.MaxAttempts - 1)) - 1));

        var oneCall = options.RequestTimeout * options.MaxAttempts + backoffs;

        // Waits are only taken when they end a margin before the deadline: the request that follows must fit in it.
        Assert.True(options.Margin > options.RequestTimeout, $"margin {options.Margin} <= request timeout {options.RequestTimeout}");
        Assert.True(timeout >= options.Margin + oneCall, $"Timeout {timeout} < {options.Margin + oneCall}");
    }

    [Fact]
    public void It_is_published_ready_to_run_not_native_aot()
    {
        var makefile = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "functions", "RollbackTrigger", "Makefile"));

        Assert.Contains("$(publish-ready-to-run)", makefile, StringComparison.Ordinal);
        Assert.DoesNotContain("publish-aot", makefile, StringComparison.Ordinal);
    }
}
