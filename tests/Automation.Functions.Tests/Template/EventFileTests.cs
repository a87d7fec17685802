using System.Text;
using System.Text.Json;
using Automation.Core.Pipeline;
using Automation.Testing;

namespace Automation.Functions.Tests.Template;

/// <summary>The sample events in events/ (for `sam local invoke -e` and the CLI) are Kafka events of the shape
/// Lambda sends, and each carries the scenario its name promises.</summary>
public sealed class EventFileTests
{
    private static readonly string EventsDir = Path.Combine(Fixtures.RepoRoot, "events");

    public static TheoryData<string> EventFiles()
    {
        var data = new TheoryData<string>();
        // The scheduled event (recovery-sweep.json) has its own shape: see below.
        foreach (var file in Directory.GetFiles(EventsDir, "*.json").Where(IsKafkaEvent).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void The_documented_scenarios_are_all_there()
    {
        var files = Directory.GetFiles(EventsDir, "*.json").Select(Path.GetFileName);
        Assert.Superset(
            new HashSet<string?> { "pod-crashloop.json", "http-5xx-after-deploy.json", "noise.json", "malformed-record.json", "recovery-sweep.json" },
            files.ToHashSet());
    }

    /// <summary>Every file but the scheduled event is a Kafka batch.</summary>
    public static bool IsKafkaEvent(string path) => LambdaEventRouter.Classify(File.ReadAllBytes(path)) != LambdaEventKind.Scheduled;

    [Fact]
    public void The_recovery_sweep_event_is_a_scheduled_event_as_EventBridge_sends_it()
    {
        var path = Path.Combine(EventsDir, "recovery-sweep.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;

        Assert.Equal(LambdaEventKind.Scheduled, LambdaEventRouter.Classify(File.ReadAllBytes(path)));
        Assert.Equal(
            ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("0", "Scheduled Event", "aws.events"), (root.GetProperty("version").GetString(), root.GetProperty("detail-type").GetString(), root.GetProperty("source").GetString()));
        Assert.True(Guid.TryParse(root.GetProperty("id").GetString(), out _));
        Assert.Matches("^[0-9]{12}$", root.GetProperty("account").GetString());
        Assert.True(DateTimeOffset.TryParseExact(root.GetProperty("time").GetString(), "yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _));
        var rule = Assert.Single(root.GetProperty("resources").EnumerateArray()).GetString()!;
        Assert.Matches($"^arn:aws:events:{root.GetProperty("region").GetString()}:{root.GetProperty("account").GetString()}:rule/.+$", rule);
        Assert.Empty(root.GetProperty("detail").EnumerateObject());
    }

    [Theory]
    [MemberData(nameof(EventFiles))]
    public void Event_has_the_Kafka_event_shape(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(EventsDir, file)));
        var root = document.RootElement;

        Assert.Contains(root.GetProperty("eventSource").GetString(), new[] { "aws:kafka", "aws:SelfManagedKafka", "SelfManagedKafka" });
        var partitions = root.GetProperty("records").EnumerateObject().ToList();
        Assert.NotEmpty(partitions);

        foreach (var partition in partitions)
        {
            var records = partition.Value.EnumerateArray().ToList();
            Assert.NotEmpty(records);
            long? previousOffset = null;
            foreach (var record in records)
            {
                var topic = record.GetProperty("topic").GetString();
                var number = record.GetProperty("partition").GetInt32();
                var offset = record.GetProperty("offset").GetInt64();
                Assert.Equal(JsonValueKind.String, record.GetProperty("value").ValueKind);
                Assert.Equal($"{topic}-{number}", partition.Name);
                Assert.True(previousOffset is null || offset > previousOffset, $"{file} {partition.Name}: offsets must increase");
                previousOffset = offset;
            }
        }
    }

    [Theory]
    [InlineData("pod-crashloop.json")]
    [InlineData("http-5xx-after-deploy.json")]
    [InlineData("noise.json")]
    public void Every_value_is_a_Fluent_Bit_record_with_Kubernetes_metadata(string file)
    {
        foreach (var value in Values(file))
        {
            using var record = JsonDocument.Parse(Convert.FromBase64String(value));
            var root = record.RootElement;
            Assert.Equal(JsonValueKind.Number, root.GetProperty("@timestamp").ValueKind);
            Assert.EndsWith("\n", root.GetProperty("log").GetString(), StringComparison.Ordinal);
            Assert.Contains(root.GetProperty("stream").GetString(), new[] { "stdout", "stderr" });
            var kubernetes = root.GetProperty("kubernetes");
            foreach (var field in new[] { "pod_name", "namespace_name", "pod_id", "host", "container_name", "docker_id", "container_image" })
            {
                Assert.False(string.IsNullOrEmpty(kubernetes.GetProperty(field).GetString()), $"{file}: kubernetes.{field} empty");
            }
            Assert.Equal(JsonValueKind.Object, kubernetes.GetProperty("labels").ValueKind);
        }
    }

    [Fact]
    public void Crashloop_shows_a_payments_pod_running_out_of_memory_and_restarting()
    {
        var lines = Decoded("pod-crashloop.json").ToList();
        var payments = lines.Where(l => l.Namespace == "payments").ToList();

        Assert.Contains(payments, l => l.Stream == "stderr" && l.Log.Contains("java.lang.OutOfMemoryError", StringComparison.Ordinal));
        Assert.Contains(payments, l => l.Log.StartsWith("\tat ", StringComparison.Ordinal));
        // Each restart is a new container in the same pod.
        Assert.Equal(3, payments.Select(l => l.ContainerId).Distinct().Count());
        Assert.Single(payments.Select(l => l.Pod).Distinct());
        Assert.Contains(lines, l => l.Log.Contains("\"reason\":\"OOMKilling\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Log.Contains("\"reason\":\"BackOff\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Deploy_event_has_a_burst_of_5xx_only_after_the_new_image()
    {
        var lines = Decoded("http-5xx-after-deploy.json").ToList();
        var images = lines.Where(l => l.Pod.StartsWith("checkout-web-", StringComparison.Ordinal)).Select(l => l.Image).Distinct().ToList();
        Assert.Equal(2, images.Count);

        var scaledUp = lines.First(l => l.Log.Contains("Scaled up replica set", StringComparison.Ordinal)).Timestamp;
        var statuses = lines
            .Where(l => l.Namespace == "ingress-nginx")
            .Select(l => (l.Timestamp, Status: int.Parse(l.Log.Split('"')[2].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.All(statuses.Where(s => s.Timestamp < scaledUp), s => Assert.Equal(200, s.Status));
        Assert.True(statuses.Count(s => s.Timestamp > scaledUp && s.Status >= 500) >= 20);

        // Application logs are JSON nested inside Fluent Bit's `log` string.
        var appStatuses = lines
            .Where(l => l.Image.EndsWith(":3.9.0", StringComparison.Ordinal) && l.Log.StartsWith('{'))
            .Select(l =>
            {
                using var app = JsonDocument.Parse(l.Log);
                return app.RootElement.TryGetProperty("status", out var status) ? status.GetInt32() : 0;
            });
        Assert.Contains(500, appStatuses);
    }

    [Fact]
    public void Malformed_event_has_one_bad_base64_value_and_one_plain_text_value_among_good_records()
    {
        var notBase64 = 0;
        var notJson = 0;
        var good = 0;
        foreach (var value in Values("malformed-record.json"))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                notBase64++;
                continue;
            }
            try
            {
                using var record = JsonDocument.Parse(bytes);
                Assert.True(record.RootElement.TryGetProperty("kubernetes", out _));
                good++;
            }
            catch (JsonException)
            {
                Assert.False(string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(bytes)));
                notJson++;
            }
        }
        Assert.Equal(1, notBase64);
        Assert.Equal(1, notJson);
        Assert.True(good >= 4, $"only {good} good records");
    }

    private sealed record LogLine(double Timestamp, string Namespace, string Pod, string ContainerId, string Image, string Stream, string Log);

    private static IEnumerable<string> Values(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(EventsDir, file)));
        return document.RootElement.GetProperty("records").EnumerateObject()
            .SelectMany(partition => partition.Value.EnumerateArray())
            .Select(record => record.GetProperty("value").GetString()!)
            .ToList();
    }

    private static IEnumerable<LogLine> Decoded(string file) =>
        Values(file).Select(value =>
        {
            using var record = JsonDocument.Parse(Convert.FromBase64String(value));
            var root = record.RootElement;
            var kubernetes = root.GetProperty("kubernetes");
            return new LogLine(
                root.GetProperty("@timestamp").GetDouble(),
                kubernetes.GetProperty("namespace_name").GetString()!,
                kubernetes.GetProperty("pod_name").GetString()!,
                kubernetes.GetProperty("docker_id").GetString()!,
                kubernetes.GetProperty("container_image").GetString()!,
                root.GetProperty("stream").GetString()!,
                root.GetProperty("log").GetString()!.TrimEnd('\n'));
        }).OrderBy(line => line.Timestamp);
}
