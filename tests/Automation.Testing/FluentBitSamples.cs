using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.Testing;

/// <summary>
/// Kafka records shaped like Fluent Bit's Kafka output after its kubernetes filter: what the functions receive from a
/// real cluster. Deterministic (seeded), so benchmarks and tests see the same bytes every run.
/// </summary>
public static class FluentBitSamples
{
    private static readonly string[] Lines =
    [
        "{\"level\":\"info\",\"msg\":\"request served\",\"method\":\"GET\",\"path\":\"/api/v1/orders/{0}\",\"status\":200,\"duration_ms\":{1}}",
        "{\"level\":\"error\",\"msg\":\"upstream failed\",\"method\":\"POST\",\"path\":\"/api/v1/payments\",\"status\":503,\"duration_ms\":{1}}",
        "java.lang.OutOfMemoryError: Java heap space at com.example.payments.LedgerService.load(LedgerService.java:{0})",
        "10.0.{0}.7 - - [27/Nov/2026:12:00:00 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.31\"",
        "WARN  [main] o.h.engine.jdbc.spi.SqlExceptionHelper - SQL Error: 0, SQLState: 08001 connection attempt {0} failed",
    ];

    /// <summary>One Fluent Bit record as its Kafka output serialises it.</summary>
    public static byte[] Value(int index)
    {
        var random = new Random(index);
        var app = index % 3 == 0 ? "payments-api" : index % 3 == 1 ? "checkout" : "ledger";
        var pod = $"{app}-7d9f8b6c5d-{(char)('a' + index % 26)}{(char)('a' + index / 26 % 26)}x{index % 10}q";
        var line = Lines[index % Lines.Length]
            .Replace("{0}", random.Next(1, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{1}", random.Next(1, 900).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var buffer = new MemoryStream(800);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("@timestamp", 1_795_000_000.0 + index / 1000.0);
            json.WriteString("log", line);
            json.WriteString("stream", index % 4 == 0 ? "stderr" : "stdout");
            json.WriteString("time", "2026-11-27T12:00:00.123456789Z");
            json.WriteStartObject("kubernetes");
            json.WriteString("pod_name", pod);
            json.WriteString("namespace_name", app == "ledger" ? "finance" : "payments");
            json.WriteString("pod_id", $"3f2c9a4e-1b7d-4c8e-9f10-{index:D12}");
            json.WriteStartObject("labels");
            json.WriteString("app", app);
            json.WriteString("app.kubernetes.io/name", app);
            json.WriteString("pod-template-hash", "7d9f8b6c5d");
            json.WriteEndObject();
            json.WriteStartObject("annotations");
            json.WriteString("kubectl.kubernetes.io/restartedAt", "2026-11-20T09:14:03Z");
            json.WriteEndObject();
            json.WriteString("host", $"ip-10-0-{index % 8}-21.eu-west-1.compute.internal");
            json.WriteString("container_name", app);
            json.WriteString("docker_id", "5f8e2b4c9a1d3e7f6b0c2a4d8e1f3b5c7d9e0a2b4c6d8e0f1a3b5c7d9e1f3a5b");
            json.WriteString("container_image", $"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{app}:1.42.{index % 3}");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Records on one topic, spread over <paramref name="partitions"/> partitions, until their values reach <paramref name="targetValueBytes"/>.</summary>
    public static List<KafkaRecord> Records(long targetValueBytes, string topic = "k8s-logs", int partitions = 4)
    {
        var records = new List<KafkaRecord>();
        long total = 0;
        for (var i = 0; total < targetValueBytes; i++)
        {
            var value = Value(i);
            total += value.Length;
            records.Add(new KafkaRecord(topic, i % partitions, 1_000_000 + i, DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000 + i),
                "CREATE_TIME", Key: null, value, []));
        }
        return records;
    }

    /// <summary>
    /// A Lambda MSK event as large as Lambda sends: at most 6 MB (6,000,000 bytes) of event JSON, the payload limit.
    /// Values are base64 in the event, so the decoded values are about three quarters of that.
    /// </summary>
    public static byte[] SixMegabyteEvent()
    {
        const int limit = 6_000_000;
        var records = Records(targetValueBytes: limit * 3L / 4);
        var payload = KafkaEventWriter.Write(records);
        while (payload.Length > limit)
        {
            // Trim by the average size of a record in the event, then check again.
            var excess = payload.Length - limit;
            var perRecord = payload.Length / records.Count;
            records.RemoveRange(records.Count - (excess / perRecord + 1), excess / perRecord + 1);
            payload = KafkaEventWriter.Write(records);
        }
        return payload;
    }
}
