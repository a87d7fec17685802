using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Core.Notify;
using Automation.Testing;

namespace Automation.Core.Tests.Notify;

/// <summary>The SQS message body: every field of the notification, bounded, and the example in docs/notify.md holds to the schema.</summary>
public sealed partial class NotificationJsonTests
{
    [Fact]
    public void The_documented_example_and_every_event_hold_to_the_schema()
    {
        var doc = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "notify.md")).ReplaceLineEndings("\n");
        var example = Assert.Single(JsonBlocks().Matches(doc)).Groups[1].Value;
        var events = Enum.GetValues<NotificationEvent>().Select(e => NotificationJson.Serialize(Notifications.Sample(value: e) with { RuleDescription = null }));

        var (valid, output) = NotificationSchema.Validate([example, .. events]);

        Assert.True(valid, output);
    }

    [Fact]
    public void Long_ids_that_differ_only_at_the_end_stay_distinct_within_the_bound()
    {
        // The id is what consumers deduplicate on: a notify's ledger key (rule, target, group) comes first and the
        // triggering record last, so two firings of a long group differ only at the end.
        var prefix = "cooldown|oom|1|notify on=fired|" + new string('g', 600);
        var first = JsonNode.Parse(NotificationJson.Serialize(Notifications.Sample(id: prefix + "|logs-0@41")))!["id"]!.GetValue<string>();
        var second = JsonNode.Parse(NotificationJson.Serialize(Notifications.Sample(id: prefix + "|logs-0@42")))!["id"]!.GetValue<string>();
        var again = JsonNode.Parse(NotificationJson.Serialize(Notifications.Sample(id: prefix + "|logs-0@42")))!["id"]!.GetValue<string>();

        Assert.NotEqual(first, second);
        Assert.Equal(second, again);
        Assert.All(new[] { first, second }, id => Assert.InRange(id.Length, 1, NotificationJson.MaxShortText));
        Assert.StartsWith("cooldown|oom|1|notify on=fired|ggg", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_is_written_and_a_missing_description_is_null()
    {
        var json = JsonNode.Parse(NotificationJson.Serialize(Notifications.Sample(value: NotificationEvent.Suppressed) with { RuleDescription = null }))!.AsObject();

        Assert.Equal(
            ["schemaVersion", "id", "event", "function", "requestId", "ruleId", "ruleDescription", "group", "summary", "actions", "actionsOmitted", "triggers", "triggersOmitted", "at"],
            json.Select(p => p.Key));
        Assert.Null(json["ruleDescription"]);
        Assert.Equal("suppressed", (string?)json["event"]);
        Assert.Equal(["type", "target", "outcome", "detail", "links"], json["actions"]![0]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Lists_are_bounded_and_counted_and_unsafe_links_dropped()
    {
        var sample = Notifications.Sample();
        var links = new Dictionary<string, string>
        {
            ["run"] = "https://github.com/acme/payments/actions/runs/1",
            ["creds"] = "https://user:password@example.com/x",
            ["plain"] = "http://example.com/x",
            ["local"] = "http://127.0.0.1:8080/x",
        };
        var many = sample with
        {
            Actions = [.. Enumerable.Range(0, 25).Select(i => new NotifiedAction("restart_pod", $"pod {i}", "succeeded", "", links))],
            Triggers = [.. Enumerable.Range(0, 130).Select(i => $"logs-1@{i}")],
        };

        var json = JsonNode.Parse(NotificationJson.Serialize(many))!.AsObject();

        Assert.Equal(NotificationJson.MaxActions, json["actions"]!.AsArray().Count);
        Assert.Equal(5, (int)json["actionsOmitted"]!);
        Assert.Equal(NotificationJson.MaxTriggers, json["triggers"]!.AsArray().Count);
        Assert.Equal(30, (int)json["triggersOmitted"]!);
        Assert.Equal(["local", "run"], json["actions"]![0]!["links"]!.AsObject().Select(l => l.Key));
        var (valid, output) = NotificationSchema.Validate(json.ToJsonString());
        Assert.True(valid, output);
    }

    [Theory]
    [InlineData("oom", "oom")]
    [InlineData("rule.with_all-punctuation!#$%&'()*+,/:;<=>?@[\\]^`{|}~", "rule.with_all-punctuation!#$%&'()*+,/:;<=>?@[\\]^`{|}~")]
    public void A_valid_rule_id_is_its_own_message_group(string ruleId, string group) => Assert.Equal(group, SqsSender.GroupId(ruleId));

    [Theory]
    [InlineData("règle")]
    [InlineData("has space")]
    [InlineData("")]
    public void Any_other_rule_id_gets_a_hashed_message_group(string ruleId) =>
        Assert.Matches("^rule-[0-9a-f]{32}$", SqsSender.GroupId(ruleId));

    [GeneratedRegex("```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlocks();
}
