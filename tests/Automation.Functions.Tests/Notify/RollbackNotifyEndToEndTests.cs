using Automation.Testing;
using System.Text.Json;
using Xunit.Abstractions;
using Automation.Testing.Webhooks;
using static Automation.Functions.Tests.Notify.NotifyHarness;

namespace Automation.Functions.Tests.Notify;

/// <summary>
/// RollbackFunction's notify end to end: the rollback workflow is dispatched on the fake GitHub, which answers 200
/// with the run's details, and the notice links the run's page (docs/notify.md: Slack's &lt;url|run&gt; and the SQS
/// message's links.run); the same batch again tells no one twice. A notice the webhook could not take the first time
/// goes out with the redelivery, reporting the dispatch as the ledger recorded it.
/// </summary>
public sealed class RollbackNotifyEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Rule = "rollback-on-oom";
    private NotifyHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        await _h.WriteRulesAsync($$$"""
            version: 1
            rules:
              - id: {{{Rule}}}
                description: Roll back the app that keeps running out of memory
                match: { contains: java.lang.OutOfMemoryError }
                threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
                cooldown: 1h
                actions:
                  - type: github_workflow
                    repo: acme/payments
                    workflow: rollback.yml
                    ref: main
                    inputs:
                      service: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
                  - type: notify
                    on: [fired, failed]
            github:
              api_url: {{{_h.GitHub.BaseUrl}}}
              repositories: [acme/payments]
            """);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private string RunPage => (string)_h.GitHub.DispatchExample["html_url"]!;

    [Fact]
    public async Task The_notice_links_the_dispatched_run_once_across_redelivery()
    {
        var burst = await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30)));

        var fired = await _h.RollbackAsync(burst);

        Assert.Single(_h.GitHub.Dispatches);
        var dispatch = Assert.Single(fired.Audits("action"), a => a.GetProperty("action").GetProperty("type").GetString() == "github_workflow");
        Assert.Equal(RunPage, dispatch.GetProperty("facts").GetProperty("htmlUrl").GetString());
        var line = Assert.Single(Assert.Single(_h.Texts()).Split('\n'), l => l.StartsWith("• github_workflow", StringComparison.Ordinal));
        Assert.EndsWith($"<{RunPage}|run>", line, StringComparison.Ordinal);

        var message = Assert.Single(await _h.MessagesAsync());
        var (valid, errors) = NotificationSchema.Validate(message.Body);
        Assert.True(valid, errors);
        using (var body = JsonDocument.Parse(message.Body))
        {
            Assert.Equal("fired", body.RootElement.GetProperty("event").GetString());
            var action = Assert.Single(body.RootElement.GetProperty("actions").EnumerateArray());
            Assert.Equal(("github_workflow", "succeeded"), (action.GetProperty("type").GetString(), action.GetProperty("outcome").GetString()));
            Assert.Equal([("run", RunPage)], action.GetProperty("links").EnumerateObject().Select(l => (l.Name, l.Value.GetString())));
        }

        output.WriteLine(_h.Texts()[0]);
        output.WriteLine(message.Body);

        // The same batch again: nothing dispatched or told twice.
        var again = await _h.RollbackAsync(burst);

        Assert.All(again.Decisions(Rule), d => Assert.Equal("already_done", d.GetProperty("outcome").GetString()));
        Assert.Empty(again.Audits("action"));
        Assert.Single(_h.GitHub.Dispatches);
        Assert.Single(_h.Webhook.Posts);
        Assert.Single(await _h.MessagesAsync());
    }

    [Fact]
    public async Task A_notice_the_redelivery_sends_still_links_the_run()
    {
        // Rate-limited for longer than the invocation has: the notice is a retry at once, and the batch comes back.
        _h.Webhook.AnswerNext(WebhookAnswer.RateLimited(3600));
        var burst = await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30)));
        var (first, response) = await _h.InvokeAsync(Automation.RollbackTrigger.RollbackFunction.LogicalId, burst);
        Assert.NotEqual(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal("retry", Assert.Single(first.Audits("action"), a => a.GetProperty("action").GetProperty("type").GetString() == "notify").GetProperty("outcome").GetString());

        var again = await _h.RollbackAsync(burst);

        Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal("succeeded", Assert.Single(again.Audits("action")).GetProperty("outcome").GetString());
        Assert.Equal([429, 200], _h.Webhook.Posts.Select(p => p.AnsweredStatus));
        var line = Assert.Single(_h.Texts()[1].Split('\n'), l => l.StartsWith("• github_workflow", StringComparison.Ordinal));
        Assert.EndsWith($"<{RunPage}|run>", line, StringComparison.Ordinal);
    }
}
