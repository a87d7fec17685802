using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Core.Notify;

namespace Automation.Core.Tests.Notify;

/// <summary>
/// The webhook's message: JSON with one mrkdwn text that names the event, rule, actions and links, in which nothing a
/// log line carries can become a mention, a link or a second line, and whose length is bounded.
/// </summary>
public sealed partial class SlackMessageTests
{
    private static string TextOf(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Equal(["text"], json.RootElement.EnumerateObject().Select(p => p.Name));
        return json.RootElement.GetProperty("text").GetString()!;
    }

    [Fact]
    public void The_body_is_a_json_object_with_a_text_that_tells_what_happened()
    {
        var text = TextOf(SlackMessage.Body(Notifications.Sample()));
        var lines = text.Split('\n');

        Assert.Equal("*Fired*: rule *oom* (Restart pods that run out of memory)", lines[0]);
        Assert.Equal("3 OutOfMemoryError lines from payments/api in 5 minutes", lines[1]);
        Assert.Equal("Group: payments/api", lines[2]);
        Assert.Equal("• rollout_restart on deployment payments/api: succeeded. rollout restarted <https://console.example.com/eks/payments/api|workload>", lines[3]);
        Assert.Equal("• github_workflow on acme/payments rollback.yml: succeeded. dispatched <https://github.com/acme/payments/actions/runs/123|run>", lines[4]);
        Assert.Equal("Triggers: logs-0@40, logs-0@41, logs-0@42", lines[5]);
        Assert.Equal("PodRestartFunction · request req-1 · 2026-11-27T12:00:00Z", lines[6]);
        Assert.Equal(7, lines.Length);
    }

    [Theory]
    [InlineData(NotificationEvent.Suppressed, "*Suppressed by a guardrail*")]
    [InlineData(NotificationEvent.Failed, "*Failed*")]
    [InlineData(NotificationEvent.Resolved, "*Resolved*")]
    public void Each_event_has_its_title(NotificationEvent value, string title)
    {
        var text = SlackMessage.Text(Notifications.Sample(value: value));

        Assert.StartsWith(title + ": rule *oom*", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_text_cannot_mention_link_or_break_lines_and_the_message_is_bounded()
    {
        var hostile = Notifications.Hostile();
        var text = TextOf(SlackMessage.Body(hostile));

        Assert.True(text.Length <= SlackMessage.MaxTextLength, $"{text.Length} characters");
        // Each raw '<' opens one of our links, of which only the allowed one is left: no mention, no other link.
        var opened = AngleBrackets().Matches(text).Select(m => m.Value).ToList();
        Assert.Equal(["<https://github.com/acme/payments/actions/runs/1?a=1&amp;b=%3C2%3E%7Cx|ok>"], opened);
        Assert.DoesNotContain("<!", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", text, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", text, StringComparison.Ordinal);
        Assert.Contains("&lt;https://evil.example|click here&gt;", text, StringComparison.Ordinal);
        Assert.Contains("&amp;amp;", text, StringComparison.Ordinal);
        // A plain @everyone or @channel is defused with a zero-width space (Mattermost would ping on it).
        Assert.DoesNotMatch("@(everyone|channel|here)", text);
        Assert.Contains("@\u200Bchannel", text, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://evil.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/runs/1|relative", text, StringComparison.Ordinal);
        // No control or bidi characters; lines are ours only: header, summary, group, the action, triggers, footer.
        Assert.DoesNotContain(text, c => c != '\n' && (char.IsControl(c) || c == '\u202E'));
        var lines = text.Split('\n');
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("*Failed*: rule *oom* (desc &lt;!here&gt;)", lines[0], StringComparison.Ordinal);
        Assert.Equal("Group: &lt;!channel&gt; *pwned*  @\u200Beveryone", lines[2]);
        Assert.Equal("Triggers: logs-0@0, logs-0@1, logs-0@2, logs-0@3, logs-0@4 (+45 more)", lines[4]);
        Assert.Equal("PodRestartFunction · request req-2 · 2026-11-27T12:00:00Z", lines[5]);
        // Cut pieces end with an ellipsis, never inside an entity.
        Assert.All(lines[1..4], line => Assert.DoesNotMatch("&[a-z]{0,3}…", line));
        Assert.EndsWith("…", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Many_actions_are_counted_once_they_no_longer_fit()
    {
        var sample = Notifications.Sample();
        var actions = Enumerable.Range(0, 40)
            .Select(i => new NotifiedAction("restart_pod", $"pod payments/api-{i} " + new string('x', 150), "succeeded", "deleted " + new string('y', 300), new Dictionary<string, string>()))
            .ToList();
        var text = SlackMessage.Text(sample with { Actions = actions });

        Assert.True(text.Length <= SlackMessage.MaxTextLength, $"{text.Length} characters");
        var shown = text.Split('\n').Count(l => l.StartsWith("• restart_pod", StringComparison.Ordinal));
        Assert.InRange(shown, 1, 39);
        Assert.Contains($"… {40 - shown} more actions not shown", text, StringComparison.Ordinal);
        Assert.EndsWith("PodRestartFunction · request req-1 · 2026-11-27T12:00:00Z", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a&b", 10, "a&amp;b")]
    [InlineData("&&&", 10, "&amp;…")]
    [InlineData("&&", 10, "&amp;&amp;")]
    [InlineData("@here @42", 20, "@\u200Bhere @42")]
    [InlineData("<<<<", 9, "&lt;&lt;…")]
    [InlineData("x\ny\tz", 10, "x y z")]
    [InlineData("\U0001F600\U0001F600\U0001F600", 4, "\U0001F600…")]
    public void Escaping_never_exceeds_the_bound_nor_splits_an_entity_or_a_surrogate_pair(string raw, int max, string expected)
    {
        var escaped = SlackMessage.Escape(raw, max);

        Assert.Equal(expected, escaped);
        Assert.True(escaped.Length <= max);
    }

    // A '<' that is not part of an entity: what Slack reads as the start of a link or mention.
    [GeneratedRegex("<[^>]*>")]
    private static partial Regex AngleBrackets();
}
