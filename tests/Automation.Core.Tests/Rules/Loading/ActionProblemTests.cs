using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>
/// Actions and their templates. <see cref="Actions"/> puts `actions:` on line 5 and the given lines from line 6,
/// indented by six spaces: `      - type: x` has its type at column 15, and a parameter line `        key: value` its key
/// at column 9.
/// </summary>
public sealed class ActionProblemTests
{
    private const string Match = "match: { contains: x }";
    private const string GroupByNamespace = "threshold: { count: 2, within: 1m, group_by: [kubernetes.namespace_name] }";

    [Fact]
    public void Actions_that_are_not_a_list_are_reported()
    {
        SingleProblem(OneRule(Match, "actions: { type: forward }"), 5, 14, "actions must be a list of actions, each starting with '- type:'", "not a mapping");
    }

    [Fact]
    public void Empty_actions_are_reported_and_say_how_to_write_none()
    {
        SingleProblem(OneRule(Match, "actions: ~"), 5, 14, "for none, leave actions out or write actions: []", "not empty");
    }

    [Fact]
    public void An_action_that_is_not_a_mapping_is_reported()
    {
        SingleProblem(Actions("- forward"), 6, 9, "an action must be a mapping with type:", "not 'forward'");
    }

    [Fact]
    public void An_action_without_type_is_reported_at_the_action()
    {
        SingleProblem(Actions("- index: logs"), 6, 9, "an action needs a type: one of restart_pod, rollout_restart, github_workflow, forward, notify");
    }

    [Fact]
    public void A_type_that_is_not_text_is_reported()
    {
        SingleProblem(Actions("- type: [forward]"), 6, 15, "type must be text, not a list");
    }

    [Fact]
    public void A_mistyped_action_type_gets_a_suggestion()
    {
        SingleProblem(Actions("- type: rollout-restart"), 6, 15,
            "unknown action type 'rollout-restart' (did you mean 'rollout_restart'?): the types are restart_pod, rollout_restart, github_workflow, forward, notify");
    }

    [Fact]
    public void An_unknown_action_type_lists_the_types()
    {
        SingleProblem(Actions("- type: page_oncall"), 6, 15, "unknown action type 'page_oncall': the types are restart_pod, rollout_restart, github_workflow, forward, notify");
    }

    [Fact]
    public void A_mistyped_parameter_gets_a_suggestion_and_the_allowed_parameters()
    {
        SingleProblem(Actions("- type: restart_pod", "  namspace: shop"), 7, 9,
            "unknown key 'namspace' in a restart_pod action: did you mean 'namespace'? (allowed: type, namespace, pod, grace_period_seconds, cluster)");
    }

    [Fact]
    public void A_parameter_of_another_action_type_is_unknown()
    {
        SingleProblem(Actions("- type: forward", "  workload: web"), 7, 9, "unknown key 'workload' in a forward action (allowed: type, index)");
    }

    [Fact]
    public void A_missing_required_parameter_is_reported_at_the_action()
    {
        SingleProblem(Actions("- type: github_workflow", "  repo: acme/shop"), 6, 9, "a github_workflow action needs workflow: (The workflow's file name (rollback.yml) or id.)");
    }

    [Fact]
    public void Rollout_restart_without_namespace_and_workload_takes_them_from_the_pod_that_logged()
    {
        var action = Assert.Single(Load(Actions("- type: rollout_restart")).Rules[0].Actions);

        Assert.Equal("rollout_restart", action.Type);
        Assert.Empty(action.Parameters);
    }

    [Fact]
    public void With_group_by_rollout_restart_without_workload_needs_the_pod_in_the_group()
    {
        var yaml = OneRule(Match, GroupByNamespace, "actions:", "  - type: rollout_restart");

        SingleProblem(yaml, 7, 9,
            "without workload: the rollout_restart action takes kubernetes.pod_name from the record, and this rule counts per threshold.group_by",
            "add kubernetes.pod_name to group_by, or set workload:");
    }

    [Fact]
    public void With_the_pod_in_group_by_rollout_restart_may_leave_out_namespace_and_workload()
    {
        var yaml = OneRule(Match, "threshold: { count: 2, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.pod_name] }", "actions:",
            "  - type: rollout_restart", "    kind: StatefulSet");

        var action = Assert.Single(Load(yaml).Rules[0].Actions);

        Assert.Equal(["kind"], action.Parameters.Keys);
    }

    [Fact]
    public void Every_missing_required_parameter_is_reported()
    {
        var problems = Problems(Actions("- type: github_workflow"));

        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], 6, 9, "a github_workflow action needs repo:");
        AssertProblem(problems[1], 6, 9, "a github_workflow action needs workflow:");
    }

    [Theory]
    [InlineData("deployment", "kind 'deployment' (did you mean 'Deployment'?) is not one of Deployment, StatefulSet, DaemonSet")]
    [InlineData("ReplicaSet", "kind 'ReplicaSet' is not one of Deployment, StatefulSet, DaemonSet")]
    [InlineData("'{{ kubernetes.labels.kind }}'", "is not one of")]
    public void A_kind_outside_the_choices_is_reported_at_the_value(string kind, string gist)
    {
        SingleProblem(Actions("- type: rollout_restart", "  namespace: shop", "  workload: web", $"  kind: {kind}"), 9, 15, gist);
    }

    [Fact]
    public void Rollback_to_only_takes_last_successful_run()
    {
        SingleProblem(Actions("- type: github_workflow", "  repo: acme/shop", "  workflow: rollback.yml", "  rollback_to: previous"), 9, 22,
            "rollback_to 'previous' is not one of last_successful_run");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("1.5")]
    [InlineData("' 5'")]
    public void A_grace_period_that_is_not_a_whole_number_is_reported_at_the_value(string value)
    {
        SingleProblem(Actions("- type: restart_pod", $"  grace_period_seconds: {value}"), 7, 31, "grace_period_seconds must be a whole number ≥ 0");
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme/shop/extra")]
    [InlineData("https://github.com/acme/shop")]
    public void A_repo_that_is_not_owner_and_name_is_reported_at_the_value(string repo)
    {
        SingleProblem(Actions("- type: github_workflow", $"  repo: {repo}", "  workflow: rollback.yml"), 7, 15, "must read owner/name");
    }

    [Fact]
    public void A_parameter_that_is_a_mapping_is_reported()
    {
        SingleProblem(Actions("- type: forward", "  index: { name: logs }"), 7, 16, "index must be text, not a mapping");
    }

    [Fact]
    public void Inputs_that_are_not_a_mapping_are_reported()
    {
        SingleProblem(Actions("- type: github_workflow", "  repo: acme/shop", "  workflow: rollback.yml", "  inputs: [a]"), 9, 17,
            "inputs must be a mapping of name: value");
    }

    [Fact]
    public void An_input_name_github_would_refuse_is_reported_at_the_name()
    {
        SingleProblem(Actions("- type: github_workflow", "  repo: acme/shop", "  workflow: rollback.yml", "  inputs:", "    1st: x"), 10, 11,
            "inputs name '1st' must start with a letter or '_'");
    }

    [Fact]
    public void An_input_that_is_a_list_is_reported()
    {
        SingleProblem(Actions("- type: github_workflow", "  repo: acme/shop", "  workflow: rollback.yml", "  inputs:", "    why: [a]"), 10, 16,
            "inputs.why must be text, not a list");
    }

    [Fact]
    public void A_template_error_in_an_input_is_reported_at_its_character()
    {
        // `    why: 'count {{ count'`: the value starts at column 17; the unclosed '{{' is at offset 6.
        SingleProblem(Actions("- type: github_workflow", "  repo: acme/shop", "  workflow: rollback.yml", "  inputs:", "    why: 'count {{ count'"), 10, 17 + 6,
            "inputs.why: '{{' is not closed with '}}'");
    }

    [Theory]
    [InlineData("'{{ rule.nme }}'", 0, "'rule.nme' is not a match fact; the facts are count, first_seen, last_seen, rule.description, rule.id, window")]
    [InlineData("'ns-{{ window.x }}'", 3, "'window.x' is not a match fact")]
    [InlineData("'shop }}'", 5, "'}}' without a matching '{{'")]
    [InlineData("'a{{ }}b'", 1, "empty '{{ }}'")]
    [InlineData("'{{ kubernetes..x }}'", 0, "'kubernetes..x' is not a field path")]
    public void A_template_naming_what_cannot_exist_is_reported_at_its_character(string value, int offset, string gist)
    {
        // `        namespace: '...'`: the quote is at column 20, the template starts at column 21.
        SingleProblem(Actions("- type: restart_pod", $"  namespace: {value}"), 7, 21 + offset, "namespace: ", gist);
    }

    [Fact]
    public void A_template_error_in_a_double_quoted_value_is_reported_at_the_value_with_its_offset()
    {
        SingleProblem(Actions("- type: restart_pod", "  namespace: \"ns-{{ rule.nme }}\""), 7, 20, "not a match fact", "(at offset 3 of the value)");
    }

    [Fact]
    public void With_group_by_a_template_may_not_name_a_field_outside_it()
    {
        // `        workload: 'app-{{ kubernetes.labels.app }}'`: the value starts at column 20, its '{{' at offset 4.
        var yaml = OneRule(Match, GroupByNamespace, "actions:",
            "  - type: rollout_restart",
            "    namespace: '{{ kubernetes.namespace_name }}'",
            "    workload: 'app-{{ kubernetes.labels.app }}'");

        SingleProblem(yaml, 9, 20 + 4,
            "workload: '{{ kubernetes.labels.app }}' names a record field, but this rule counts per threshold.group_by (kubernetes.namespace_name)",
            "add it to threshold.group_by, or it comes from an arbitrary record of the group");
    }

    [Fact]
    public void With_group_by_every_field_outside_it_is_reported_in_inputs_too()
    {
        var yaml = OneRule(Match, GroupByNamespace, "actions:",
            "  - type: github_workflow",
            "    repo: acme/shop",
            "    workflow: rollback.yml",
            "    inputs:",
            "      image: '{{ kubernetes.container_image }} / {{ kubernetes.pod_name }}'");

        var problems = Problems(yaml);

        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], 11, 19, "inputs.image: '{{ kubernetes.container_image }}' names a record field");
        AssertProblem(problems[1], 11, 19 + 35, "inputs.image: '{{ kubernetes.pod_name }}' names a record field");
    }

    [Fact]
    public void With_group_by_templates_may_name_group_by_fields_facts_message_and_level()
    {
        var yaml = OneRule(Match, "threshold: { count: 2, within: 1m, group_by: [kubernetes.namespace_name, 'kubernetes.labels[\"app\"]'] }", "actions:",
            "  - type: rollout_restart",
            "    namespace: '{{ kubernetes.namespace_name }}'",
            "    workload: '{{ kubernetes.labels.app }}'",
            "    cluster: '{{ rule.id }} {{ count }} {{ window }} {{ first_seen }} {{ last_seen }} {{ rule.description }} {{ message }} {{ level }}'");

        var action = Assert.Single(Load(yaml).Rules[0].Actions);

        Assert.Equal(8, action.Parameters["cluster"].Variables.Count());
    }

    [Fact]
    public void Without_group_by_a_template_may_name_any_record_field()
    {
        var yaml = OneRule(Match, "threshold: { count: 2, within: 1m }", "actions:",
            "  - type: rollout_restart",
            "    namespace: '{{ kubernetes.namespace_name }}'",
            "    workload: '{{ kubernetes.labels.app }}'");

        var action = Assert.Single(Load(yaml).Rules[0].Actions);

        Assert.Equal("kubernetes.labels.app", Assert.Single(action.Parameters["workload"].Variables).RecordField?.Text);
    }

    [Fact]
    public void With_group_by_restart_pod_needs_the_pod_in_the_group_when_it_takes_it_from_the_record()
    {
        var yaml = OneRule(Match, GroupByNamespace, "actions:", "  - type: restart_pod");

        SingleProblem(yaml, 7, 9,
            "without pod: the restart_pod action takes kubernetes.pod_name from the record, and this rule counts per threshold.group_by",
            "add kubernetes.pod_name to group_by, or set pod:");
    }

    [Fact]
    public void Restart_pod_takes_the_pod_from_the_record_when_the_group_holds_it_or_there_is_no_group()
    {
        var grouped = OneRule(Match, "threshold: { count: 2, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.pod_name] }", "actions:", "  - type: restart_pod");
        var ungrouped = OneRule(Match, "cooldown: 5m", "actions:", "  - type: restart_pod");

        Assert.Empty(Assert.Single(Load(grouped).Rules[0].Actions).Parameters);
        Assert.Empty(Assert.Single(Load(ungrouped).Rules[0].Actions).Parameters);
    }

    /// <summary>One rule matching "x" with `actions:` on line 5 and these lines after it, indented to sit under it.</summary>
    private static string Actions(params string[] lines) => OneRule([Match, "actions:", .. lines.Select(l => "  " + l)]);
}
