using System.Globalization;
using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>Kafka records shaped like Fluent Bit's Kafka output (kubernetes filter, the app's JSON line in <c>log</c>).</summary>
internal static class LogValues
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A record whose app line is JSON with <paramref name="level"/> and <paramref name="status"/> (a number, or text when given as a string).</summary>
    public static byte[] FluentBit(DateTimeOffset time, string app, string level, object status, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("@timestamp", time.ToUnixTimeMilliseconds() / 1000.0);
            var line = new Dictionary<string, object> { ["level"] = level, ["msg"] = message, ["status"] = status, ["user"] = new Dictionary<string, object> { ["id"] = 7, ["tags"] = new[] { "a", "b" } } };
            json.WriteString("log", JsonSerializer.Serialize(line));
            json.WriteString("stream", "stdout");
            json.WriteStartObject("kubernetes");
            json.WriteString("pod_name", app + "-7d9f8b6c5d-x1");
            json.WriteString("namespace_name", "shop");
            json.WriteStartObject("labels");
            json.WriteString("app", app);
            json.WriteString("app.kubernetes.io/name", app);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> records over two partitions, one every <paramref name="every"/> from <see cref="Start"/>:
    /// every third an error; every <paramref name="badEvery"/>th (when set) has a text status, which a status field
    /// already mapped as a number refuses.
    /// </summary>
    public static List<KafkaRecord> Records(int count, TimeSpan every, int badEvery = 0, string topic = "k8s-logs", long firstOffset = 100)
    {
        var records = new List<KafkaRecord>();
        for (var i = 0; i < count; i++)
        {
            var time = Start + every * i;
            var bad = badEvery > 0 && i > 0 && i % badEvery == 0;
            var value = FluentBit(time, i % 2 == 0 ? "checkout" : "payments", i % 3 == 0 ? "error" : "info", bad ? "n/a" : 200 + i % 7,
                $"request {i.ToString(CultureInfo.InvariantCulture)} served");
            records.Add(new KafkaRecord(topic, i % 2, firstOffset + i / 2, time, "CREATE_TIME", null, value, []));
        }
        return records;
    }
}
