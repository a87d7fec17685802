using Automation.Core.Rules;
using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

public sealed class EscalationProblemTests
{
    // Line 3 is the restart rule; the rollback rule starts at line 12, its escalate_after block at line 17.
    private static string Ladder(string restartCooldown = "cooldown: 15m", params string[] escalation) =>
        "version: 1\nrules:\n" +
        "  - id: restart-checkout\n" +
        "    match: { contains: \" 503 \" }\n" +
        "    threshold: { count: 20, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }\n" +
        $"    {restartCooldown}\n" +
        "    actions:\n" +
        "      - type: rollout_restart\n" +
        "        namespace: \"{{ kubernetes.namespace_name }}\"\n" +
        "        workload: \"{{ kubernetes.labels.app }}\"\n" +
        "      - type: notify\n" +
        "  - id: rollback-checkout\n" +
        "    match: { contains: \" 503 \" }\n" +
        "    threshold: { count: 20, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }\n" +
        "    cooldown: 1h\n" +
        "    resolve_after: 10m\n" +
        "    escalate_after:\n" +
        string.Concat((escalation.Length == 0 ? ["rule: restart-checkout", "action: rollout_restart", "within: 15m", "still_matching: 10"] : escalation)
            .Select(l => "      " + l + "\n")) +
        "    actions:\n" +
        "      - type: github_workflow\n" +
        "        repo: acme/checkout\n" +
        "        workflow: rollback.yml\n";

    [Fact]
    public void A_ladder_loads_with_its_step_resolved_to_the_earlier_rules_action()
    {
        var rules = Load(Ladder());

        var rollback = rules.Rules.Single(r => r.Id == "rollback-checkout");
        Assert.Equal(new Escalation("restart-checkout", 0, "rollout_restart", TimeSpan.FromMinutes(15), 10, new SourceLocation(Source, 18, 7)), rollback.EscalateAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), rollback.ResolveAfter);
        Assert.Null(rules.Rules.Single(r => r.Id == "restart-checkout").EscalateAfter);
    }

    [Fact]
    public void The_action_may_be_left_out_when_the_earlier_rule_has_one_besides_notify()
    {
        var rules = Load(Ladder(escalation: ["rule: restart-checkout", "within: 15m", "still_matching: 10"]));

        Assert.Equal(0, rules.Rules.Single(r => r.Id == "rollback-checkout").EscalateAfter!.ActionIndex);
    }

    [Fact]
    public void An_unknown_rule_is_named_with_a_suggestion_at_its_position()
    {
        SingleProblem(Ladder(escalation: ["rule: restart-checkot", "within: 15m", "still_matching: 10"]), 18, 13,
            "'restart-checkot'", "did you mean 'restart-checkout'?", "does not define");
    }

    [Fact]
    public void An_action_the_earlier_rule_does_not_have_is_an_error()
    {
        SingleProblem(Ladder(escalation: ["rule: restart-checkout", "action: restart_pod", "within: 15m", "still_matching: 10"]), 19, 15,
            "no restart_pod action", "rollout_restart, notify");
    }

    [Fact]
    public void The_earlier_rule_needs_a_cooldown_so_the_ledger_keeps_its_last_run_per_target()
    {
        SingleProblem(Ladder(restartCooldown: "description: no cooldown"), 18, 13, "'restart-checkout' has no cooldown");
    }

    [Fact]
    public void The_earlier_targets_fields_must_be_in_this_rules_group_by()
    {
        var yaml = Ladder().Replace(
            "    threshold: { count: 20, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }\n    cooldown: 1h",
            "    threshold: { count: 20, within: 1m, group_by: [kubernetes.namespace_name] }\n    cooldown: 1h", StringComparison.Ordinal);

        SingleProblem(yaml, 18, 13, "kubernetes.labels.app", "group_by");
    }

    [Theory]
    [InlineData("within: 2d", 19, 15, "at most 1d")]
    [InlineData("within: 15", 19, 15, "no unit")]
    public void Within_is_a_duration_the_ledger_still_remembers(string within, int line, int column, string gist)
    {
        SingleProblem(Ladder(escalation: ["rule: restart-checkout", within, "still_matching: 10"]), line, column, gist);
    }

    [Fact]
    public void Missing_keys_and_a_bad_count_are_each_reported()
    {
        var problems = Problems(Ladder(escalation: ["rule: restart-checkout", "still_matching: 0", "after: 5m"]));

        Assert.Equal(3, problems.Count);
        AssertProblem(problems.Single(p => p.Message.Contains("unknown key", StringComparison.Ordinal)), 20, 7, "'after'");
        AssertProblem(problems.Single(p => p.Message.Contains("within:", StringComparison.Ordinal)), 18, 7, "needs within:");
        AssertProblem(problems.Single(p => p.Message.Contains("still_matching must", StringComparison.Ordinal)), 19, 23, "≥ 1");
    }

    [Fact]
    public void A_rule_cannot_escalate_after_itself()
    {
        SingleProblem(Ladder(escalation: ["rule: rollback-checkout", "within: 15m", "still_matching: 10"]), 18, 13, "after itself");
    }

    [Fact]
    public void A_ladder_that_loops_back_is_an_error_at_each_rule_in_the_loop()
    {
        var yaml = "version: 1\nrules:\n" +
            "  - id: a\n    match: { contains: x }\n    cooldown: 5m\n    escalate_after: { rule: b, within: 5m, still_matching: 1 }\n    actions: [{ type: restart_pod }]\n" +
            "  - id: b\n    match: { contains: x }\n    cooldown: 5m\n    escalate_after: { rule: a, within: 5m, still_matching: 1 }\n    actions: [{ type: restart_pod }]\n";

        var problems = Problems(yaml);

        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], 6, 29, "leads back to rule 'a'");
        AssertProblem(problems[1], 11, 29, "leads back to rule 'b'");
    }

    [Fact]
    public void A_rule_without_actions_has_nothing_to_hold_back()
    {
        var yaml = OneRule("match: { contains: x }", "escalate_after: { rule: r, within: 5m, still_matching: 1 }");

        SingleProblem(yaml, 5, 21, "has none");
    }

    [Fact]
    public void A_forwarding_rule_cannot_escalate()
    {
        var yaml = Ladder().Replace("        workflow: rollback.yml\n", "        workflow: rollback.yml\n      - type: forward\n", StringComparison.Ordinal);

        SingleProblem(yaml, 18, 7, "forward only annotates");
    }

    [Fact]
    public void An_earlier_rule_with_problems_of_its_own_is_reported_only_there()
    {
        var yaml = Ladder().Replace("    match: { contains: \" 503 \" }\n    threshold: { count: 20, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }\n    cooldown: 15m",
            "    match: { contains: \" 503 \" }\n    threshold: { count: 20, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }\n    cooldown: 0s", StringComparison.Ordinal);

        SingleProblem(yaml, 6, 15, "cooldown");
    }
}
