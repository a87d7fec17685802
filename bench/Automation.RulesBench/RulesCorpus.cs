using System.Globalization;
using System.Text;
using System.Text.Json;
using Automation.Core.Kafka;
using Automation.Testing;

namespace Automation.RulesBench;

/// <summary>
/// A 6 MB MSK event of Kubernetes logs for the rules benchmark, deterministic (seeded). Mostly Fluent Bit records
/// (kubernetes metadata around an application's JSON line or a plain text line), some raw plain text values; about 1%
/// of records carry a line that triggers one of the 50 rules (each rule in turn), about 1% a near miss that holds a
/// rule's literal without matching it.
/// </summary>
internal static class RulesCorpus
{
    private const int EventLimit = 6_000_000;

    private static readonly string[] Namespaces = ["payments", "checkout", "finance", "ingress", "monitoring", "orders"];

    private static readonly string[] JsonMessages =
    [
        "request served", "order created", "cache miss for key", "user logged in", "processing batch", "health check ok",
        "scheduled job finished", "retrying request", "published event", "token refreshed", "inventory reserved",
        "payment authorised", "connection pool stats", "slow query logged", "feature flag evaluated",
    ];

    private static readonly string[] Levels = ["info", "info", "info", "debug", "warn", "error"];

    private static readonly string[] TextLines =
    [
        "10.0.{0}.7 - - [27/Nov/2026:12:00:00 +0000] \"GET /api/v1/orders/{1} HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
        "10.0.{0}.9 - - [27/Nov/2026:12:00:01 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.31\"",
        "2026-11-27 12:00:00.{1}  INFO 1 --- [nio-8080-exec-{0}] c.e.orders.OrderController : Fetched {1} orders for customer",
        "2026-11-27 12:00:00.{1}  WARN 1 --- [scheduling-1] c.e.orders.Retry : attempt {0} of 5 for request {1}",
        "level=info ts=2026-11-27T12:00:00.{1}Z caller=reconciler.go:{1} msg=\"reconcile done\" objects={0}",
        "INFO:root:processed {1} items in {0} ms",
        "I1127 12:00:00.{1} 1 controller.go:{1}] \"Observed a panic-free sync\" duration=\"{0}ms\"",
        "ERROR [worker-{0}] job {1} returned a retryable error, will retry",
    ];

    private static readonly string[] RawLines =
    [
        "Nov 27 12:00:00 ip-10-0-{0}-21 kubelet[1234]: I1127 12:00:00.{1} 1234 kubelet.go:2000] \"SyncLoop (PLEG): event for pod\"",
        "Nov 27 12:00:00 ip-10-0-{0}-21 containerd[987]: time=\"2026-11-27T12:00:00Z\" level=info msg=\"ImageCreate event {1}\"",
    ];

    public static byte[] SixMegabyteEvent()
    {
        var records = new List<KafkaRecord>();
        long total = 0;
        for (var i = 0; total < EventLimit * 3L / 4; i++)
        {
            var value = Value(i);
            total += value.Length;
            records.Add(new KafkaRecord("k8s-logs", i % 4, 2_000_000 + i, DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000 + i),
                "CREATE_TIME", Key: null, value, []));
        }
        var payload = KafkaEventWriter.Write(records);
        while (payload.Length > EventLimit)
        {
            var excess = payload.Length - EventLimit;
            var drop = excess / (payload.Length / records.Count) + 1;
            records.RemoveRange(records.Count - drop, drop);
            payload = KafkaEventWriter.Write(records);
        }
        return payload;
    }

    private static byte[] Value(int index)
    {
        var random = new Random(index);
        string Fill(string template) => template
            .Replace("{0}", random.Next(1, 9).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{1}", random.Next(100, 99999).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var ns = Namespaces[index % Namespaces.Length];
        var level = Levels[random.Next(Levels.Length)];
        string line;
        var json = true;
        if (index % 100 == 37)
        {
            var rule = BenchRules.All50[index / 100 % BenchRules.All50.Count];
            var trigger = rule.Triggers[index / 5000 % rule.Triggers.Count];
            (line, ns, level) = (trigger.Line, trigger.Namespace ?? ns, trigger.Level ?? "error");
            json = index / 100 % 2 == 0;
        }
        else if (index % 100 == 71)
        {
            var miss = BenchRules.NearMisses[index / 100 % BenchRules.NearMisses.Count];
            (line, ns, level) = (miss.Line, miss.Namespace ?? ns, miss.Level ?? "warn");
            json = index / 100 % 2 == 0;
        }
        else if (index % 10 == 3)
        {
            // A value that is plain text end to end (no Fluent Bit envelope).
            return Encoding.UTF8.GetBytes(Fill(RawLines[random.Next(RawLines.Length)]) + "\n");
        }
        else if (index % 10 < 7)
        {
            line = JsonMessages[random.Next(JsonMessages.Length)];
        }
        else
        {
            line = Fill(TextLines[random.Next(TextLines.Length)]);
            json = false;
        }
        return FluentBitRecord.Write(index, ns + "-api", ns, json ? AppJson(random, line, level) : line + "\n");
    }

    /// <summary>An application's own JSON log line, as it sits in Fluent Bit's <c>log</c> field.</summary>
    private static string AppJson(Random random, string message, string level)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("level", level);
            json.WriteString("msg", message);
            json.WriteString("method", random.Next(3) == 0 ? "POST" : "GET");
            json.WriteString("path", "/api/v1/orders/" + random.Next(1, 99999).ToString(CultureInfo.InvariantCulture));
            json.WriteNumber("status", random.Next(4) == 0 ? 201 : 200);
            json.WriteNumber("duration_ms", random.Next(1, 900));
            json.WriteString("trace_id", random.NextInt64().ToString("x16", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
