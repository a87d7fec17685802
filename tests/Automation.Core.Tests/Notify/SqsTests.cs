using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Automation.Core.Actions;
using Automation.Core.Aws.Secrets;
using Automation.Core.Notify;
using Automation.Core.Telemetry;
using Automation.Testing;

namespace Automation.Core.Tests.Notify;

/// <summary>
/// Notifications to SQS on moto, configured the way a function is (NOTIFY_QUEUE_URL and the SDK's standard
/// variables): the message read back with the SDK holds to docs/schemas/notification.schema.json, FIFO queues group
/// by rule and drop a resent notice, a missing queue is a refusal and an unreachable endpoint a retry.
/// </summary>
public sealed class SqsTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private static readonly NotifyRetryOptions FastRetry = new() { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };

    private readonly IAmazonSQS _sqs = MotoSqs.Client(moto);
    private readonly StringWriter _log = new();

    public void Dispose() => _sqs.Dispose();

    private Notifier CreateNotifier(string queueUrl, Dictionary<string, string>? overrides = null)
    {
        var environment = MotoSqs.Environment(moto);
        environment[Notifier.QueueUrlVariable] = queueUrl;
        foreach (var (name, value) in overrides ?? [])
        {
            environment[name] = value;
        }
        var notifier = Notifier.FromEnvironment(n => environment.GetValueOrDefault(n), FunctionSecrets.None, TimeProvider.System, new JsonLog(_log, TimeProvider.System), FastRetry, WebhookSender.CreateHttpClient);
        Assert.NotNull(notifier);
        return notifier;
    }

    private static Task<ActionResult> SendAsync(Notifier notifier, Notification notification, double seconds = 10) =>
        notifier.SendAsync(notification, null, DateTimeOffset.UtcNow.AddSeconds(seconds), CancellationToken.None);

    [Fact]
    public async Task A_standard_queue_gets_one_message_that_holds_to_the_schema()
    {
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: false);
        var notifier = CreateNotifier(queue);

        var result = await SendAsync(notifier, Notifications.Sample());

        Assert.Equal(["sqs"], notifier.Channels);
        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Equal("accepted", result.Facts!["sqs"]);
        var message = Assert.Single(await MotoSqs.ReceiveAllAsync(_sqs, queue));
        Assert.Equal(message.MessageId, result.Facts["sqsMessageId"]);
        var (valid, output) = NotificationSchema.Validate(message.Body);
        Assert.True(valid, output);

        var body = JsonNode.Parse(message.Body)!.AsObject();
        Assert.Equal(1, (int)body["schemaVersion"]!);
        Assert.Equal("action#oom#payments/api#logs-0@42#fired", (string?)body["id"]);
        Assert.Equal("fired", (string?)body["event"]);
        Assert.Equal("PodRestartFunction", (string?)body["function"]);
        Assert.Equal("req-1", (string?)body["requestId"]);
        Assert.Equal("oom", (string?)body["ruleId"]);
        Assert.Equal("Restart pods that run out of memory", (string?)body["ruleDescription"]);
        Assert.Equal("payments/api", (string?)body["group"]);
        Assert.Equal(["logs-0@40", "logs-0@41", "logs-0@42"], body["triggers"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("2026-11-27T12:00:00.000Z", (string?)body["at"]);
        var actions = body["actions"]!.AsArray();
        Assert.Equal(["rollout_restart", "github_workflow"], actions.Select(a => (string?)a!["type"]));
        Assert.Equal("https://github.com/acme/payments/actions/runs/123", (string?)actions[1]!["links"]!["run"]);
        Assert.Equal("fired", message.MessageAttributes["event"].StringValue);
        Assert.Equal("oom", message.MessageAttributes["ruleId"].StringValue);
        Assert.Equal("PodRestartFunction", message.MessageAttributes["function"].StringValue);
    }

    [Fact]
    public async Task A_fifo_queue_groups_by_rule_and_delivers_a_resent_notice_once()
    {
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: true);
        var notifier = CreateNotifier(queue);
        var notice = Notifications.Sample();

        var first = await SendAsync(notifier, notice);
        var again = await SendAsync(notifier, notice);
        var other = await SendAsync(notifier, Notifications.Sample(id: "action#oom#payments/api#logs-0@42#resolved", value: NotificationEvent.Resolved));

        Assert.All([first, again, other], r => Assert.Equal(ActionStatus.Succeeded, r.Status));
        var messages = await MotoSqs.ReceiveAllAsync(_sqs, queue);
        Assert.Equal(["fired", "resolved"], messages.Select(m => m.MessageAttributes["event"].StringValue));
        Assert.All(messages, m => Assert.Equal("oom", m.Attributes["MessageGroupId"]));
        Assert.Equal(SqsSender.DeduplicationId(notice.Id), messages[0].Attributes["MessageDeduplicationId"]);
        Assert.Matches("^[0-9a-f]{64}$", messages[0].Attributes["MessageDeduplicationId"]);
        var (valid, output) = NotificationSchema.Validate([.. messages.Select(m => m.Body)]);
        Assert.True(valid, output);
    }

    [Fact]
    public async Task A_hostile_notification_is_bounded_keeps_only_safe_links_and_holds_to_the_schema()
    {
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: true);
        var hostile = Notifications.Hostile();

        var result = await SendAsync(CreateNotifier(queue), hostile);

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        var message = Assert.Single(await MotoSqs.ReceiveAllAsync(_sqs, queue));
        var (valid, output) = NotificationSchema.Validate(message.Body);
        Assert.True(valid, output);
        var body = JsonNode.Parse(message.Body)!.AsObject();
        Assert.Equal(NotificationJson.MaxText, ((string?)body["summary"])!.Length);
        Assert.StartsWith("summary <https://evil.example|click here> &amp; <!subteam^S123> @channel\r\nsecond line\0", (string?)body["summary"], StringComparison.Ordinal);
        var links = body["actions"]![0]!["links"]!.AsObject();
        Assert.Equal(["ok"], links.Select(l => l.Key));
        Assert.Equal(50, body["triggers"]!.AsArray().Count);
        Assert.Equal(SqsSender.DeduplicationId(hostile.Id), message.Attributes["MessageDeduplicationId"]);
    }

    [Fact]
    public async Task The_schema_rejects_a_message_that_breaks_it()
    {
        var json = JsonNode.Parse(NotificationJson.Serialize(Notifications.Sample()))!.AsObject();
        json["event"] = "maybe";
        json.Remove("ruleId");

        var (valid, output) = NotificationSchema.Validate(json.ToJsonString());

        Assert.False(valid);
        Assert.Contains("'maybe' is not one of", output, StringComparison.Ordinal);
        Assert.Contains("'ruleId' is a required property", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_queue_is_a_refusal_with_a_clear_detail()
    {
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: false);
        var missing = queue[..queue.LastIndexOf('/')] + "/no-such-queue-" + Guid.NewGuid().ToString("N")[..8];

        var result = await SendAsync(CreateNotifier(missing), Notifications.Sample());

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("refused", result.Facts!["sqs"]);
        Assert.Contains("does not exist", result.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("notification refused: sqs refused: ", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.ToString().Split('\n'), l => l.Contains("notification retried", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_retried_a_bounded_number_of_times_within_the_deadline()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var notifier = CreateNotifier("https://sqs.us-east-1.amazonaws.com/123456789012/notify", new() { ["AWS_ENDPOINT_URL_SQS"] = $"http://127.0.0.1:{port}" });
        var clock = Stopwatch.StartNew();

        var result = await SendAsync(notifier, Notifications.Sample(), seconds: 20);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
        Assert.Equal(ActionStatus.Retry, result.Status);
        Assert.Equal("retry", result.Facts!["sqs"]);
        Assert.Contains("sqs retry: SQS could not be reached", result.Detail, StringComparison.Ordinal);
        var retries = _log.ToString().Split('\n').Count(l => l.Contains("\"notification retried\"", StringComparison.Ordinal));
        Assert.Equal(FastRetry.MaxRetryAttempts, retries);
    }
}
