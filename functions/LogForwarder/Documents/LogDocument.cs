using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Automation.Core.Kafka;
using Automation.Core.Logs;

namespace Automation.LogForwarder.Documents;

/// <summary>
/// One log record's document: <c>@timestamp</c> (the record's time, else Kafka's), <c>message</c>, <c>level</c>,
/// <c>stream</c>, the <c>kubernetes</c> block, the record's other JSON fields under <c>fields</c> (bounded, see
/// <see cref="FieldCopier"/>), <c>kafka{topic, partition, offset}</c> and <c>rules</c>, the ids of the rules that
/// matched it. Written straight from the Kafka value with <see cref="Utf8JsonReader"/>, no DOM.
/// </summary>
internal static class LogDocument
{
    /// <summary>Levels of names under <c>fields</c> (fields.a.b.c); an object or array at the last level is kept as its JSON text.</summary>
    public const int MaxFieldDepth = 3;

    /// <summary>At most this many values per document under <c>fields</c>; the rest are left out and <c>fields_truncated</c> says so.</summary>
    public const int MaxFieldValues = 100;

    /// <summary>Keys of a record the document already has in its own form.</summary>
    private static readonly string[] Promoted = ["@timestamp", "log", "stream", "time", "kubernetes", "message", "level"];

    /// <summary>The deterministic id: a redelivered record overwrites its document. A Kafka record that yields several log records (OTLP) numbers them.</summary>
    public static string Id(KafkaCoordinates source, int ordinal, bool several) =>
        several ? $"{source.Topic}-{source.Partition}-{source.Offset}-{ordinal}" : $"{source.Topic}-{source.Partition}-{source.Offset}";

    public static void Write(Utf8JsonWriter writer, LogRecord log, KafkaRecord? kafka, IReadOnlyList<string>? rules)
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

        // The value is read again here only when it is a JSON object whose text is valid UTF-8 (the writer refuses anything else).
        var value = log.Format == LogFormat.Json && kafka is not null && Utf8.IsValid(kafka.Value.Span) ? kafka.Value.Span : default;
        if (value.IsEmpty || !CopyKubernetes(writer, value))
        {
            if (log.Format != LogFormat.Json && log.Kubernetes is { } pod)
            {
                WriteKubernetes(writer, pod);
            }
        }
        if (!value.IsEmpty)
        {
            WriteFields(writer, value);
        }

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
        writer.WriteEndObject();
    }

    private static bool CopyKubernetes(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKubernetes = reader.ValueTextEquals("kubernetes"u8);
            reader.Read();
            if (isKubernetes && reader.TokenType == JsonTokenType.StartObject)
            {
                writer.WritePropertyName("kubernetes");
                var budget = MaxFieldValues;
                FieldCopier.CopyValue(ref reader, value, writer, depthLeft: 3, ref budget);
                return true;
            }
            reader.Skip();
        }
        return false;
    }

    /// <summary>The record's own keys, then those of the JSON object in its <c>log</c> line (the record's win a clash).</summary>
    private static void WriteFields(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        var budget = MaxFieldValues;
        var complete = true;
        var written = new HashSet<string>(StringComparer.Ordinal);
        var open = false;
        byte[]? line = null;
        var lineLength = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "log" && reader.TokenType == JsonTokenType.String)
                {
                    line = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                    lineLength = reader.CopyString(line);
                    continue;
                }
                if (!Copy(writer, ref reader, value, name, written, ref open, ref budget, ref complete))
                {
                    reader.Skip();
                }
            }
            if (line is not null && AsObject(line.AsSpan(0, lineLength)) is { IsEmpty: false } app)
            {
                var inner = new Utf8JsonReader(app);
                try
                {
                    inner.Read();
                    while (inner.Read() && inner.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = inner.GetString()!;
                        inner.Read();
                        if (!Copy(writer, ref inner, app, name, written, ref open, ref budget, ref complete))
                        {
                            inner.Skip();
                        }
                    }
                }
                catch (JsonException)
                {
                    // Not JSON after all: the line is the message already. What was copied of it stays.
                }
            }
        }
        finally
        {
            if (line is not null)
            {
                ArrayPool<byte>.Shared.Return(line);
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

    /// <summary>Copies one top-level key under <c>fields</c> (opened on the first); false when it is skipped.</summary>
    private static bool Copy(Utf8JsonWriter writer, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name,
        HashSet<string> written, ref bool open, ref int budget, ref bool complete)
    {
        var safe = FieldCopier.SafeName(name);
        if (name.Length == 0 || Array.IndexOf(Promoted, name) >= 0 || !written.Add(safe))
        {
            return false;
        }
        if (budget <= 0)
        {
            complete = false;
            return false;
        }
        if (!open)
        {
            writer.WriteStartObject("fields");
            open = true;
        }
        writer.WritePropertyName(safe);
        complete &= FieldCopier.CopyValue(ref reader, json, writer, MaxFieldDepth - 1, ref budget);
        return true;
    }

    /// <summary>The text when it is a complete, valid JSON object; empty otherwise.</summary>
    private static ReadOnlySpan<byte> AsObject(ReadOnlySpan<byte> text)
    {
        var trimmed = text.Trim(" \t\r\n"u8);
        if (trimmed.Length < 2 || trimmed[0] != (byte)'{' || !Utf8.IsValid(trimmed))
        {
            return default;
        }
        var check = new Utf8JsonReader(trimmed);
        try
        {
            check.Read();
            check.Skip();
            return check.BytesConsumed == trimmed.Length ? trimmed : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>An OTLP record's pod, in Fluent Bit's shape.</summary>
    private static void WriteKubernetes(Utf8JsonWriter writer, KubernetesMetadata pod)
    {
        writer.WriteStartObject("kubernetes");
        WriteIfSet(writer, "pod_name", pod.PodName);
        WriteIfSet(writer, "namespace_name", pod.NamespaceName);
        WriteIfSet(writer, "pod_id", pod.PodId);
        WriteIfSet(writer, "container_name", pod.ContainerName);
        WriteIfSet(writer, "container_image", pod.ContainerImage);
        WriteIfSet(writer, "docker_id", pod.ContainerId);
        WriteIfSet(writer, "host", pod.Host);
        WriteMap(writer, "labels", pod.Labels);
        WriteMap(writer, "annotations", pod.Annotations);
        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(FieldCopier.SafeName(key), value);
        }
        writer.WriteEndObject();
    }
}
