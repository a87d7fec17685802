using Automation.Core.Notify;

namespace Automation.Core.Tests.Notify;

/// <summary>Notifications for the tests: an ordinary one, and one whose log-derived texts attack the message.</summary>
internal static class Notifications
{
    public static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static Notification Sample(string? id = null, NotificationEvent value = NotificationEvent.Fired) => new(
        id ?? "action#oom#payments/api#logs-0@42#fired",
        "PodRestartFunction",
        "req-1",
        "oom",
        "Restart pods that run out of memory",
        value,
        "payments/api",
        "3 OutOfMemoryError lines from payments/api in 5 minutes",
        [
            new NotifiedAction("rollout_restart", "deployment payments/api", "succeeded", "rollout restarted",
                new Dictionary<string, string> { ["workload"] = "https://console.example.com/eks/payments/api" }),
            new NotifiedAction("github_workflow", "acme/payments rollback.yml", "succeeded", "dispatched",
                new Dictionary<string, string> { ["run"] = "https://github.com/acme/payments/actions/runs/123" }),
        ],
        ["logs-0@40", "logs-0@41", "logs-0@42"],
        At);

    /// <summary>Every text a log can reach is hostile: mentions, links, control characters, a huge line.</summary>
    public static Notification Hostile()
    {
        var huge = string.Concat(Enumerable.Repeat("<!channel> & <https://evil.example|click> ", 2500)); // ~100 KB
        return new Notification(
            "id-" + huge,
            "PodRestartFunction",
            "req-2",
            "oom",
            "desc <!here>",
            NotificationEvent.Failed,
            "<!channel>\n*pwned*\u0007\u202E@everyone",
            "summary <https://evil.example|click here> &amp; <!subteam^S123> @channel\r\nsecond line\u0000" + huge,
            [
                new NotifiedAction("restart_pod", "pod <@U123>\t" + huge, "failed", "403 <!everyone>" + huge, new Dictionary<string, string>
                {
                    ["evil"] = "javascript:alert(1)",
                    ["plain"] = "http://evil.example/x",
                    ["relative"] = "/runs/1",
                    ["ok"] = "https://github.com/acme/payments/actions/runs/1?a=1&b=<2>|x",
                }),
            ],
            [.. Enumerable.Range(0, 50).Select(i => $"logs-0@{i}")],
            At);
    }
}
