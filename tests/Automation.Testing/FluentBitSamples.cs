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
        var line = Lines[index % Lines.Length]
            .Replace("{0}", random.Next(1, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{1}", random.Next(1, 900).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return FluentBitRecord.Write(index, app, app == "ledger" ? "finance" : "payments", line);
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
