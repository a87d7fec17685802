using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using Automation.Core.Rules.Decisions;

namespace Automation.LogForwarder.Aggregates;

/// <summary>
/// Per rule, group and minute: one aggregate document, updated by <see cref="AggregateScript"/> so that counts stay
/// exact across batches and redeliveries. The groups are the decisions' (a rule's group_by values, or its action
/// targets); every match counts, whatever the decision (below threshold, fired, in cooldown).
/// </summary>
internal static class AggregateWriter
{
    public const int MaxSampleLength = 256;

    /// <summary>The batch's buckets, in decision order then minute.</summary>
    public static List<AggregateBucket> Collect(IReadOnlyList<Decision> decisions, IReadOnlyList<LogRecord> logs, int maxSamples)
    {
        var buckets = new Dictionary<(string, string, DateTimeOffset), AggregateBucket>();
        var order = new List<AggregateBucket>();
        var seen = new HashSet<(string, string)>();
        foreach (var decision in decisions)
        {
            // A rule with several actions has one decision per action for the same group: count its records once.
            if (!seen.Add((decision.RuleId, decision.Group)))
            {
                continue;
            }
            foreach (var index in decision.Records)
            {
                var log = logs[index];
                var utc = log.Timestamp.UtcDateTime;
                var minute = new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
                var key = (decision.RuleId, decision.Group, minute);
                if (!buckets.TryGetValue(key, out var bucket))
                {
                    bucket = new AggregateBucket(decision.RuleId, decision.Group, minute);
                    buckets[key] = bucket;
                    order.Add(bucket);
                }
                bucket.Add(log.Source, log.Timestamp, log.Message, maxSamples);
            }
        }
        return order;
    }

    /// <summary>The deterministic id: the rule, the minute and a hash of the group (which may be long and hold any character).</summary>
    public static string Id(AggregateBucket bucket)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(bucket.Rule + "\n" + bucket.Group));
        return $"{bucket.Rule}-{bucket.Minute.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(hash, 0, 8)}";
    }

    /// <summary>The update's source line: a scripted upsert with this batch's contribution as parameters.</summary>
    public static void WriteUpdate(Utf8JsonWriter writer, AggregateBucket bucket, int maxSamples)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("scripted_upsert", true);
        writer.WriteStartObject("upsert");
        writer.WriteEndObject();
        writer.WriteStartObject("script");
        writer.WriteString("lang", "painless");
        writer.WriteString("source", AggregateScript.Source);
        writer.WriteStartObject("params");
        writer.WriteString("rule", bucket.Rule);
        writer.WriteString("group", bucket.Group);
        writer.WriteString("minute", bucket.Minute.UtcDateTime);
        writer.WriteString("first_seen", Time(bucket.FirstSeen));
        writer.WriteString("last_seen", Time(bucket.LastSeen));
        writer.WriteNumber("max_samples", maxSamples);
        writer.WriteStartArray("partitions");
        foreach (var (partition, (counts, samples)) in bucket.Partitions)
        {
            writer.WriteStartObject();
            writer.WriteString("partition", partition);
            writer.WriteStartArray("offsets");
            foreach (var offset in counts.Keys)
            {
                writer.WriteNumberValue(offset);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("counts");
            foreach (var count in counts.Values)
            {
                writer.WriteNumberValue(count);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("samples");
            foreach (var (offset, message) in samples)
            {
                writer.WriteStartObject();
                writer.WriteNumber("offset", offset);
                writer.WriteString("message", message);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Fixed-width UTC times, so the script compares them as text.</summary>
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
