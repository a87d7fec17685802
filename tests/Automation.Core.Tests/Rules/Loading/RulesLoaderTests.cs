using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Conditions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Templates;
using Automation.Testing;

namespace Automation.Core.Tests.Rules.Loading;

public sealed class RulesLoaderTests
{
    [Fact]
    public void The_example_rules_file_at_the_repository_root_loads()
    {
        var path = Path.Combine(Fixtures.RepoRoot, "rules.yaml");

        var rules = RulesLoader.Load(path);

        Assert.Equal(path, rules.Source);
        Assert.Equal(
            ["java-oom-rollout-restart", "crashing-pod-restart", "checkout-5xx-burst-rollback", "errors-forward", "ingress-client-errors", "deprecated-api-warnings"],
            rules.Rules.Select(r => r.Id));
        // It shows every action type and a rule without actions, as docs/rules.md promises.
        Assert.Equal(
            ActionCatalog.Types.Select(t => t.Type).Order(),
            rules.Rules.SelectMany(r => r.Actions).Select(a => a.Type).Distinct().Order());
        Assert.Contains(rules.Rules, r => r.Actions.Count == 0);
        Assert.Contains(rules.Rules, r => r.Threshold is { GroupBy.Count: > 0 } && r.Cooldown is not null);
    }

    [Fact]
    public void Every_yaml_example_in_the_rules_documentation_loads()
    {
        var doc = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "rules.md")).ReplaceLineEndings("\n");
        var blocks = doc.Split("```yaml\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();

        Assert.True(blocks.Count >= 4, $"only {blocks.Count} yaml examples found");
        foreach (var (block, i) in blocks.Select((b, i) => (b, i)))
        {
            // A fragment (a match, a threshold, actions) becomes one rule; a whole file loads as it is.
            var text = block;
            if (!block.StartsWith("version:", StringComparison.Ordinal))
            {
                var body = block.StartsWith("match:", StringComparison.Ordinal) ? block : "match: { contains: x }\n" + block;
                text = "version: 1\nrules:\n  - id: doc\n" + string.Concat(body.Split('\n').Select(l => "    " + l + "\n"));
            }
            var rules = RulesLoader.Parse(text, $"docs/rules.md example {i + 1}");
            Assert.NotEmpty(rules.Rules);
        }
    }

    [Fact]
    public void A_valid_file_gives_the_model_it_describes()
    {
        var path = Fixtures.PathOf("rules", "valid-everything.yaml");

        var set = RulesLoader.Load(path);

        Assert.Equal(path, set.Source);
        Assert.Equal(["every-condition", "restart.pod_2", "no-actions"], set.Rules.Select(r => r.Id));

        var rule = set.Rules[0];
        Assert.Equal("All operators together", rule.Description);
        Assert.Equal(new SourceLocation(path, 4, 5), rule.Location);
        var all = Assert.IsType<AllCondition>(rule.Match);
        Assert.Equal(new SourceLocation(path, 7, 7), all.Location);
        var c = all.Conditions;
        Assert.Equal(13, c.Count);

        var contains = Assert.IsType<ContainsCondition>(c[0]);
        Assert.Equal(["OutOfMemoryError"], contains.Values);
        Assert.Null(contains.Field);
        Assert.False(contains.IgnoreCase);
        Assert.Equal(new SourceLocation(path, 8, 11), contains.Location);

        var containsAny = Assert.IsType<ContainsCondition>(c[1]);
        Assert.Equal(["pay", "check"], containsAny.Values);
        Assert.Equal("kubernetes.namespace_name", containsAny.Field?.Text);
        Assert.True(containsAny.IgnoreCase);

        var startsWith = Assert.IsType<StartsWithCondition>(c[2]);
        Assert.Equal(["ERROR "], startsWith.Values);
        Assert.Equal("log", startsWith.Field?.Text);

        var regex = Assert.IsType<RegexCondition>(c[3]);
        Assert.Equal(@"Killed process \d+", regex.Pattern);
        Assert.True(regex.IgnoreCase);

        Assert.Equal("503", Assert.IsType<EqualsCondition>(c[4]).Value);
        Assert.Equal("true", Assert.IsType<EqualsCondition>(c[5]).Value); // True compares as JSON writes it
        Assert.Equal(["error", "fatal"], Assert.IsType<InCondition>(c[6]).Values);

        var exists = Assert.IsType<ExistsCondition>(c[7]);
        Assert.True(exists.Exists);
        Assert.Equal("kubernetes.labels[\"app.kubernetes.io/name\"]", exists.Field?.Text);

        Assert.Equal(
            [(ComparisonOperator.GreaterThan, 499d), (ComparisonOperator.GreaterThanOrEqual, 500d), (ComparisonOperator.LessThan, 2.5), (ComparisonOperator.LessThanOrEqual, -1d)],
            c.Skip(8).Take(4).Cast<CompareCondition>().Select(x => (x.Operator, x.Value)));

        var any = Assert.IsType<AnyCondition>(c[12]);
        Assert.Equal("404", Assert.IsType<EqualsCondition>(any.Conditions[0]).Value); // !!str
        var not = Assert.IsType<NotCondition>(any.Conditions[1]);
        var notExists = Assert.IsType<ExistsCondition>(not.Condition);
        Assert.False(notExists.Exists);
        Assert.Equal("trace_id", notExists.Field?.Text);

        var threshold = Assert.IsType<Threshold>(rule.Threshold);
        Assert.Equal(3, threshold.Count);
        Assert.Equal(TimeSpan.FromMinutes(90), threshold.Within);
        Assert.Equal(["kubernetes.namespace_name", "kubernetes.labels[\"app.kubernetes.io/name\"]"], threshold.GroupBy.Select(p => p.Text));
        Assert.Equal(TimeSpan.FromDays(1), rule.Cooldown);

        Assert.Equal(["rollout_restart", "github_workflow"], rule.Actions.Select(a => a.Type));
        var rollout = rule.Actions[0];
        Assert.Equal(new SourceLocation(path, 43, 9), rollout.Location);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["namespace"] = "{{ kubernetes.namespace_name }}",
                ["workload"] = "{{ kubernetes.labels[\"app.kubernetes.io/name\"] }}",
                ["kind"] = "StatefulSet",
                ["cluster"] = "prod",
            },
            rollout.Parameters.ToDictionary(p => p.Key, p => p.Value.Text));
        var workload = Assert.Single(rollout.Parameters["workload"].Variables);
        Assert.Equal(["kubernetes", "labels", "app.kubernetes.io/name"], workload.RecordField!.Segments.Select(s => s.Name));

        var dispatch = rule.Actions[1];
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["repo"] = "acme/shop",
                ["workflow"] = "rollback.yml",
                ["ref"] = "main",
                ["rollback_to"] = "last_successful_run",
                ["inputs.service"] = "{{ kubernetes.labels['app.kubernetes.io/name'] }}",
                ["inputs.reason"] = "{{ rule.id }} fired {{ count }} times within {{ window }}: {{ message }}",
                ["inputs.retries"] = "3",
            },
            dispatch.Parameters.ToDictionary(p => p.Key, p => p.Value.Text));
        Assert.Equal(
            ["rule.id", "count", "window", null],
            dispatch.Parameters["inputs.reason"].Variables.Select(v => v.Fact));
        Assert.Equal("message", dispatch.Parameters["inputs.reason"].Variables.Last().RecordField?.Text);

        var second = set.Rules[1];
        Assert.Null(second.Description);
        Assert.Null(second.Threshold);
        Assert.Null(second.Cooldown);
        var equals = Assert.IsType<EqualsCondition>(second.Match);
        Assert.Equal(("fatal", "level"), (equals.Value, equals.Field?.Text));
        Assert.Equal(["restart_pod", "forward"], second.Actions.Select(a => a.Type));
        Assert.Equal("0", second.Actions[0].Parameters["grace_period_seconds"].Text);
        Assert.Equal([new LiteralPart("logs-fatal")], second.Actions[1].Parameters["index"].Parts);

        var third = set.Rules[2];
        Assert.Empty(third.Actions);
        Assert.Equal(["healthz"], Assert.IsType<ContainsCondition>(Assert.IsType<NotCondition>(third.Match).Condition).Values);
    }

    [Fact]
    public void Parse_names_the_source_it_is_given()
    {
        var set = RulesLoader.Parse("version: 1\nrules: []\n", "inline");

        Assert.Equal("inline", set.Source);
        Assert.Empty(set.Rules);
    }

    [Fact]
    public void A_missing_file_is_one_problem_at_its_first_line()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "rules.yaml");

        var error = Assert.Throws<RulesValidationException>(() => RulesLoader.Load(path));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(new SourceLocation(path, 1, 1), problem.Location);
        Assert.StartsWith("cannot read the rules file: ", problem.Message, StringComparison.Ordinal);
        Assert.Equal($"{path}:1:1: {problem.Message}", error.Message);
    }

    [Fact]
    public void A_directory_is_not_a_readable_file()
    {
        var path = Path.GetTempPath();

        var problem = Assert.Single(Assert.Throws<RulesValidationException>(() => RulesLoader.Load(path)).Problems);

        Assert.Equal(new SourceLocation(path, 1, 1), problem.Location);
        Assert.StartsWith("cannot read the rules file: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_file_order_and_the_message_has_one_line_each()
    {
        // Found in another order than they stand: top-level keys are checked first, duplicate ids last.
        const string Yaml = """
            version: 2
            rules:
              - id: a
                match: { contians: x }
                cooldown: 0s
              - id: a
                match: { regex: 'a(b' }
                threshold: { count: 2 }
                actions:
                  - type: restart-pod
            extra: true
            """;

        var error = Assert.Throws<RulesValidationException>(() => RulesLoader.Parse(Yaml, "r.yaml"));

        Assert.Equal(
            [
                "r.yaml:1:10: version must be 1 (the only format version), not the number 2",
                "r.yaml:4:14: unknown key 'contians' in a condition: did you mean 'contains'? (allowed: contains, starts_with, regex, equals, in, exists, gt, gte, lt, lte, all, any, not, field, ignore_case)",
                "r.yaml:5:15: cooldown: '0s' must be longer than zero",
                "r.yaml:6:9: duplicate rule id 'a' (first at line 3, column 9): ids must be unique",
                "r.yaml:7:25: invalid regex: Not enough )'s",
                "r.yaml:8:16: a threshold needs within: (the window its matches are counted in), e.g. within: 5m",
                "r.yaml:10:15: unknown action type 'restart-pod' (did you mean 'restart_pod'?): the types are restart_pod, rollout_restart, github_workflow, forward, notify",
                "r.yaml:11:1: unknown key 'extra' at the top level (allowed: version, rules, kubernetes, github, forwarding)",
            ],
            error.Message.Split('\n'));
        Assert.Equal(error.Message.Split('\n'), error.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Bad_content_only_ever_throws_the_validation_exception()
    {
        // Mutate the example file at random (fixed seed): every variant loads or is rejected with problems, nothing else.
        var original = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "rules.yaml"));
        var random = new Random(20240506);
        const string Alphabet = " \n\t:-[]{}'\"#&*!|>%@`,?\\x1";
        var rejected = 0;
        for (var i = 0; i < 400; i++)
        {
            var text = original.ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Count);
                if (random.Next(2) == 0)
                {
                    text.RemoveAt(at);
                }
                else
                {
                    text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                }
            }

            try
            {
                RulesLoader.Parse(new string([.. text]), "fuzz.yaml");
            }
            catch (RulesValidationException e)
            {
                Assert.NotEmpty(e.Problems);
                Assert.All(e.Problems, p => Assert.True(p.Location.Line >= 1 && p.Location.Column >= 1, p.ToString()));
                rejected++;
            }
        }
        Assert.InRange(rejected, 100, 400); // most edits break something; the loop really exercised the errors
    }
}
