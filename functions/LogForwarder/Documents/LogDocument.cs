using System.Text.Json;
using Automation.Core.Kafka;
using Automation.Core.Logs;

namespace Automation.LogForwarder.Documents;

/// <summary>
/// One log record's document: <c>@timestamp</c> (the record's time, else Kafka's), <c>message</c>, <c>level</c>,
/// <c>stream</c>, the <c>kubernetes</c> block, the record's other JSON fields under <c>fields</c> (bounded, see
/// <see cref="FieldCopier"/>), <c>kafka{topic, partition, offset}</c> and <c>rules</c>, the ids of the rules that
/// matched it. The fields are walked with <see cref="LogFields.EnumerateFields"/> for every kind of record (JSON,
/// OTLP) and copied with <see cref="Utf8JsonReader"/>, no DOM.
/// </summary>
internal static class LogDocument
{
    /// <summary>Levels of names under <c>fields</c> (fields.a.b.c); an object or array at the last level is kept as its JSON text.</summary>
    public const int MaxFieldDepth = 3;

    /// <summary>At most this many values per document under <c>fields</c>; the rest are left out and <c>fields_truncated</c> says so.</summary>
    public const int MaxFieldValues = 100;

    /// <summary>Keys of a JSON record (or of its application line) the document already has in its own form.</summary>
    private static readonly string[] PromotedJson = ["@timestamp", "log", "stream", "time", "kubernetes", "message", "level"];

    /// <summary>
    /// Keys of an OTLP record the document already has: the pod (<c>kubernetes</c>), the body (the message; a map
    /// body's keys are copied from the top instead), severity (level) and times (<c>@timestamp</c>).
    /// </summary>
    private static readonly string[] PromotedOtlp =
        ["kubernetes", "body", "message", "severityText", "severityNumber", "timeUnixNano", "observedTimeUnixNano"];

    /// <summary>The deterministic id: a redelivered record overwrites its document. A Kafka record that yields several log records (OTLP) numbers them.</summary>
    public static string Id(KafkaCoordinates source, int ordinal, bool several) =>
        several ? $"{source.Topic}-{source.Partition}-{source.Offset}-{ordinal}" : $"{source.Topic}-{source.Partition}-{source.Offset}";

    public static void Write(Utf8JsonWriter writer, LogRecord log, IReadOnlyList<string>? rules)
    {
        writer.WriteStartObject();
        writer.WriteString("@timestamp", log.Timestamp.UtcDateTime);
        writer.WriteString("message", log.Message);
        if (log.Level is { } level)
        {
            writer.WriteString("level", level);
        }
        if (log.Stream is { } stream)
        {
            writer.WriteString("stream", stream);
        }

        if (log.Format == LogFormat.Json)
        {
            CopyKubernetes(writer, log.Fields);
        }
        else if (log.Kubernetes is { } pod)
        {
            WriteKubernetes(writer, pod);
        }
        WriteFields(writer, log.Fields, log.Format == LogFormat.Otlp ? PromotedOtlp : PromotedJson);

        WriteKafkaAndRules(writer, log, rules);
        writer.WriteEndObject();
    }

    /// <summary>The document of a record whose fields could not be copied: time, message, level, place and rules, and why.</summary>
    public static void WriteMinimal(Utf8JsonWriter writer, LogRecord log, IReadOnlyList<string>? rules, string problem)
    {
        writer.WriteStartObject();
        writer.WriteString("@timestamp", log.Timestamp.UtcDateTime);
        // Surrogates are what can make text unwritable; this fallback drops them all rather than judge which pair is whole.
        writer.WriteString("message", new string(log.Message.Select(c => char.IsSurrogate(c) ? '\uFFFD' : c).ToArray()));
        if (log.Level is { } level)
        {
            writer.WriteString("level", level);
        }
        writer.WriteString("document_error", problem);
        WriteKafkaAndRules(writer, log, rules);
        writer.WriteEndObject();
    }

    /// <summary>Where the record is in Kafka, and the rules that matched it: every document ends with these.</summary>
    private static void WriteKafkaAndRules(Utf8JsonWriter writer, LogRecord log, IReadOnlyList<string>? rules)
    {
        writer.WriteStartObject("kafka");
        writer.WriteString("topic", log.Source.Topic);
        writer.WriteNumber("partition", log.Source.Partition);
        writer.WriteNumber("offset", log.Source.Offset);
        writer.WriteEndObject();
        writer.WriteStartArray("rules");
        foreach (var rule in rules ?? [])
        {
            writer.WriteStringValue(rule);
        }
        writer.WriteEndArray();
    }

    /// <summary>A JSON record's own <c>kubernetes</c> object (never one from the application's line), bounded.</summary>
    private static void CopyKubernetes(Utf8JsonWriter writer, LogFields fields)
    {
        foreach (var field in fields.EnumerateFields())
        {
            if (field.Layer == 0 && field.ValueKind == JsonTokenType.StartObject && field.NameEquals("kubernetes"u8))
            {
                writer.WritePropertyName("kubernetes");
                var budget = MaxFieldValues;
                var reader = field.OpenValue();
                FieldCopier.CopyValue(ref reader, field.Value, writer, depthLeft: 3, ref budget);
                return;
            }
        }
    }

    /// <summary>
    /// The record's fields under <c>fields</c>, in lookup order so the record's own keys win a clash with the
    /// application's (JSON) and the log record's keys come before what its resource and scope add (OTLP, whose
    /// mounted layers, <c>resource</c> and <c>scope</c>, are copied last as one key each, so they spend the budget last).
    /// </summary>
    private static void WriteFields(Utf8JsonWriter writer, LogFields fields, string[] promoted)
    {
        var budget = MaxFieldValues;
        var complete = true;
        var written = new HashSet<string>(StringComparer.Ordinal);
        var open = false;
        foreach (var mounted in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (var field in fields.EnumerateFields())
            {
                if (field.IsMount == mounted)
                {
                    Copy(writer, field, promoted, written, ref open, ref budget, ref complete);
                }
            }
        }
        if (open)
        {
            writer.WriteEndObject();
        }
        if (!complete)
        {
            writer.WriteBoolean("fields_truncated", true);
        }
    }

    /// <summary>Copies one top-level field under <c>fields</c> (opened on the first), unless promoted, a repeat or over budget.</summary>
    private static void Copy(Utf8JsonWriter writer, LogField field, string[] promoted,
        HashSet<string> written, ref bool open, ref int budget, ref bool complete)
    {
        var name = field.GetName();
        var safe = FieldCopier.SafeName(name);
        if (name.Length == 0 || Array.IndexOf(promoted, name) >= 0 || !written.Add(safe))
        {
            return;
        }
        if (budget <= 0)
        {
            complete = false;
            return;
        }
        if (!open)
        {
            writer.WriteStartObject("fields");
            open = true;
        }
        writer.WritePropertyName(safe);
        var reader = field.OpenValue();
        complete &= FieldCopier.CopyValue(ref reader, field.Value, writer, MaxFieldDepth - 1, ref budget);
    }

    /// <summary>An OTLP record's pod, in Fluent Bit's shape, label and annotation keys made safe for the mapping.</summary>
    private static void WriteKubernetes(Utf8JsonWriter writer, KubernetesMetadata pod)
    {
        writer.WritePropertyName("kubernetes");
        KubernetesJsonWriter.Write(writer, pod, FieldCopier.SafeName);
    }
}
