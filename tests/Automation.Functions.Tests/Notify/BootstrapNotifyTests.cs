using System.Text.Json;
using Automation.Functions.Tests.EndToEnd;
using Automation.Testing;
using Automation.Testing.Lambda;
using static Automation.Functions.Tests.Notify.NotifyHarness;

namespace Automation.Functions.Tests.Notify;

/// <summary>
/// The published Native AOT PodRestartFunction (as `sam build` makes it) notifying: under the fake Lambda Runtime API,
/// a crash-loop batch restarts the app and tells the fake webhook (its URL read from moto's Secrets Manager) and moto's
/// SQS; EventBridge's scheduled event (events/recovery-sweep.json) is answered by the recovery sweep, which resolves
/// the group once it has been quiet and tells both again. The trimmed SQS client and notifier work as the JIT ones do.
/// </summary>
[Collection(PublishedBootstrapCollection.Name)]
public sealed class BootstrapNotifyTests(PublishedBootstrap bootstrap) : IAsyncLifetime
{
    private const string Rule = "payments-oom";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NotifyHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        await _h.WriteRulesAsync($$$"""
            version: 1
            rules:
              - id: {{{Rule}}}
                match: { contains: java.lang.OutOfMemoryError }
                threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
                cooldown: 15m
                resolve_after: 1s
                actions:
                  - type: rollout_restart
                    namespace: "{{ kubernetes.namespace_name }}"
                    workload: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
                  - type: notify
            """ + "\n" + KubernetesSection(5));
        _h.Environment["DRY_RUN"] = "false";
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_bootstrap_restarts_and_notifies_then_its_scheduled_sweep_resolves_and_notifies()
    {
        await using var runtime = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, runtime.RuntimeApiAddress, _h.Environment);

        var batch = await File.ReadAllBytesAsync(await _h.EventAsync(OomLines(App, 3, TimeProvider.System.GetUtcNow().AddSeconds(-30))));
        var fired = await runtime.Enqueue(new FakeInvocation(batch)).WaitAsync(Patience);

        Assert.False(fired.IsError, System.Text.Encoding.UTF8.GetString(fired.Body) + "\n" + function.Stderr);
        using (var answer = JsonDocument.Parse(fired.Body))
        {
            Assert.Equal(0, answer.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        }
        Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        var post = Assert.Single(_h.Webhook.Posts);
        Assert.Equal(200, post.AnsweredStatus);
        Assert.StartsWith($"*Fired*: rule *{Rule}*\n", _h.Texts()[0], StringComparison.Ordinal);
        var message = Assert.Single(await _h.MessagesAsync());
        var (valid, errors) = NotificationSchema.Validate(message.Body);
        Assert.True(valid, errors);

        // The scheduled event, one after another until the quiet second has passed: the sweep answers how many it resolved.
        var sweep = await File.ReadAllBytesAsync(SweepEvent);
        var answers = new List<int>();
        var giveUp = TimeProvider.System.GetUtcNow() + Patience;
        while (answers.LastOrDefault() == 0)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < giveUp, $"{answers.Count} sweeps resolved nothing\n{function.Stderr}");
            var swept = await runtime.Enqueue(new FakeInvocation(sweep)).WaitAsync(Patience);
            Assert.False(swept.IsError, System.Text.Encoding.UTF8.GetString(swept.Body) + "\n" + function.Stderr);
            using var answer = JsonDocument.Parse(swept.Body);
            answers.Add(Assert.Single(answer.RootElement.EnumerateObject(), p => p.Name == "resolved").Value.GetInt32());
        }

        Assert.Equal(1, answers[^1]);
        Assert.Equal(2, _h.Webhook.Posts.Count);
        Assert.StartsWith($"*Resolved*: rule *{Rule}*\n", _h.Texts()[1], StringComparison.Ordinal);
        var messages = await _h.MessagesAsync();
        Assert.Equal(2, messages.Count);
        using (var resolved = JsonDocument.Parse(messages[1].Body))
        {
            Assert.Equal("resolved", resolved.RootElement.GetProperty("event").GetString());
        }
        var (resolvedValid, resolvedErrors) = NotificationSchema.Validate(messages[1].Body);
        Assert.True(resolvedValid, resolvedErrors);

        var lines = function.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(answers.Count, lines.Count(l => l.GetProperty("message").GetString() == "recovery sweep"));
        var audits = lines.Where(l => l.TryGetProperty("audit", out _)).ToList();
        Assert.All(audits, AssertValid);
        Assert.Equal(["fired", "fired", "resolved"], audits.Where(l => l.GetProperty("audit").GetString() == "decision").Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal(["succeeded", "succeeded", "succeeded"], audits.Where(l => l.GetProperty("audit").GetString() == "action").Select(l => l.GetProperty("outcome").GetString()));
        Assert.DoesNotContain(_h.WebhookToken, function.Stderr, StringComparison.Ordinal);
    }
}
