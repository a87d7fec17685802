using Automation.Core.Configuration;
using Automation.Core.Telemetry;

namespace Automation.Core.Tests.Pipeline;

public sealed class FunctionSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Unset_variables_take_the_safe_defaults()
    {
        var settings = FunctionSettings.FromEnvironment("F", Env());

        Assert.Equal(new FunctionSettings("F", ReportBatchItemFailures: false, DryRun: true, LogSeverity.Info, FunctionSettings.BundledRulesFile), settings);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "rules.yaml"), settings.RulesFile);
    }

    [Fact]
    public void Rules_file_follows_the_variable()
    {
        var settings = FunctionSettings.FromEnvironment("F", Env((FunctionSettings.RulesFileVariable, "/opt/rules/team.yaml")));

        Assert.Equal("/opt/rules/team.yaml", settings.RulesFile);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void Partial_batch_responses_follow_the_variable(string raw, bool expected)
    {
        var settings = FunctionSettings.FromEnvironment("F", Env((FunctionSettings.ReportBatchItemFailuresVariable, raw)));

        Assert.Equal(expected, settings.ReportBatchItemFailures);
    }

    [Theory]
    [InlineData("REPORT_BATCH_ITEM_FAILURES", "maybe")]
    [InlineData("DRY_RUN", "sometimes")]
    [InlineData("LOG_LEVEL", "loud")]
    public void A_wrong_value_fails_with_a_message_naming_the_variable(string name, string raw)
    {
        var error = Assert.Throws<ConfigurationException>(() => FunctionSettings.FromEnvironment("F", Env((name, raw))));

        Assert.StartsWith(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(raw, error.Message, StringComparison.Ordinal);
    }
}
