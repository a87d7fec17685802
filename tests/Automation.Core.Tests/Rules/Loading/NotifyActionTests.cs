using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

public sealed class NotifyActionTests
{
    private static string Notify(params string[] lines) =>
        OneRule(["match: { contains: x }", "cooldown: 5m", "actions:", "  - type: rollout_restart", "  - type: notify", .. lines.Select(l => "    " + l)]);

    [Fact]
    public void On_and_to_are_kept_in_the_catalogs_order_whatever_the_files()
    {
        var action = Load(Notify("on: [resolved, fired]", "to: sqs", "text: \"{{ rule.id }} fired\"")).Rules[0].Actions[1];

        Assert.Equal("fired,resolved", action.Parameters["on"].Text);
        Assert.Equal("sqs", action.Parameters["to"].Text);
        Assert.Equal("{{ rule.id }} fired", action.Parameters["text"].Text);
    }

    [Fact]
    public void A_notify_without_parameters_loads_and_leaves_the_defaults_to_the_action()
    {
        var action = Load(Notify()).Rules[0].Actions[1];

        Assert.Empty(action.Parameters);
    }

    [Fact]
    public void An_unknown_event_gets_a_suggestion_at_its_position()
    {
        SingleProblem(Notify("on: [fired, resovled]"), 9, 21, "on 'resovled'", "did you mean 'resolved'?", "fired, suppressed, failed, resolved");
    }

    [Fact]
    public void A_repeated_or_empty_list_is_an_error()
    {
        SingleProblem(Notify("on: [fired, fired]"), 9, 21, "'fired' is already in on");
        SingleProblem(Notify("to: []"), 9, 13, "to is empty");
    }

    [Fact]
    public void Resolve_after_needs_an_action_that_someone_hears_of()
    {
        SingleProblem(OneRule("match: { contains: x }", "resolve_after: 10m", "actions: [{ type: forward }]"), 5, 5, "resolve_after", "no action but forward");
        SingleProblem(OneRule("match: { contains: x }", "resolve_after: 10m"), 5, 5, "resolve_after");
        Assert.Equal(TimeSpan.FromMinutes(10), Load(OneRule("match: { contains: x }", "resolve_after: 10m", "actions: [{ type: notify }]")).Rules[0].ResolveAfter);
    }
}
