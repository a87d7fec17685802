using System.Buffers.Text;
using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.Core.Logs;

/// <summary>
/// Reads an OTLP JSON logs export, as the OpenTelemetry Collector's Kafka exporter sends it with
/// <c>encoding: otlp_json</c>: <c>{"resourceLogs":[{"resource":{…},"scopeLogs":[{"scope":{…},"logRecords":[…]}]}]}</c>.
/// Every logRecord becomes a <see cref="LogRecord"/> with the Kafka record's coordinates. Field names are
/// lowerCamelCase; 64-bit integers may be strings or numbers; unknown fields are ignored, as the OTLP spec requires.
/// <para>
/// A record's fields are small JSON objects built once: the log record itself with <c>body</c> and
/// <c>attributes</c> turned from OTLP's AnyValue/KeyValue lists into plain JSON (<c>attributes["http.status_code"]</c>),
/// and, shared by every record of the same resource or scope, <c>resource</c> (its attributes), <c>scope</c>
/// (name, version, attributes) and <c>kubernetes</c> (Fluent Bit's shape, mapped from the k8s.* attributes). A body
/// that is a key/value list is also addressable from the top, like an application's JSON line.
/// </para>
/// </summary>
internal static class OtlpLogReader
{
    /// <summary>AnyValue lists and maps nested deeper than this are written as null.</summary>
    private const int MaxValueNesting = 16;

    private static readonly FieldPath MessagePath = FieldPath.Parse("message");
    private static readonly FieldPath MsgPath = FieldPath.Parse("msg");

    /// <summary>Appends the records of the export in <paramref name="resourceLogs"/>; returns a problem when records were dropped.</summary>
    public static string? Read(ReadOnlyMemory<byte> value, Range resourceLogs, KafkaRecord source, List<LogRecord> output)
    {
        using var scratch = new JsonScratch();
        var context = new Context(value, source, output, scratch);
        foreach (var resource in Elements(value.Span, resourceLogs))
        {
            if (!ReadResourceLogs(ref context, resource))
            {
                return $"OTLP value holds more than {JsonLimits.MaxOtlpRecords} log records; the rest were skipped";
            }
        }
        return null;
    }

    private struct Context(ReadOnlyMemory<byte> value, KafkaRecord source, List<LogRecord> output, JsonScratch scratch)
    {
        public readonly ReadOnlyMemory<byte> Value = value;
        public readonly KafkaRecord Source = source;
        public readonly List<LogRecord> Output = output;
        public readonly JsonScratch Scratch = scratch;
        public int Produced;
    }

    private static bool ReadResourceLogs(ref Context context, Range resourceLogs)
    {
        var json = context.Value.Span;
        var resource = Property(json, resourceLogs, "resource"u8);
        var attributes = resource is { } r ? Property(json, r, "attributes"u8) : null;

        var pairs = new List<(string Key, Range Value)>();
        var writer = context.Scratch.Begin();
        WriteKeyValueObject(writer, json, attributes, pairs);
        var resourceJson = context.Scratch.End();

        var kubernetes = MapKubernetes(json, pairs);
        byte[]? kubernetesJson = null;
        if (kubernetes is not null)
        {
            KubernetesJsonWriter.Write(context.Scratch.Begin(), kubernetes);
            kubernetesJson = context.Scratch.End();
        }

        if (Property(json, resourceLogs, "scopeLogs"u8) is not { } scopeLogs)
        {
            return true;
        }
        foreach (var scopeLog in Elements(json, scopeLogs))
        {
            var scopeJson = WriteScope(context.Scratch, json, Property(json, scopeLog, "scope"u8));
            if (Property(json, scopeLog, "logRecords"u8) is not { } logRecords)
            {
                continue;
            }
            var shared = new SharedLayers(resourceJson, scopeJson, kubernetes, kubernetesJson);
            // Streamed rather than listed: a hostile array of a million empty records stops at the limit.
            var reader = JsonNavigator.Open(json[logRecords]);
            var isArray = reader.TokenType == JsonTokenType.StartArray;
            while (isArray && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var isObject = reader.TokenType == JsonTokenType.StartObject;
                var logRecord = Shift(JsonNavigator.ValueRange(ref reader), logRecords.Start.Value);
                if (!isObject)
                {
                    continue;
                }
                if (context.Produced == JsonLimits.MaxOtlpRecords)
                {
                    return false;
                }
                ReadLogRecord(ref context, logRecord, shared);
                context.Produced++;
            }
        }
        return true;
    }

    private readonly record struct SharedLayers(byte[] Resource, byte[] Scope, KubernetesMetadata? Kubernetes, byte[]? KubernetesJson);

    private static void ReadLogRecord(ref Context context, Range logRecord, SharedLayers shared)
    {
        var json = context.Value.Span;
        ulong time = 0, observed = 0;
        string? severityText = null, stream = null;
        long severityNumber = 0;
        byte[]? body = null;
        var bodyKind = AnyValueKind.Empty;

        // The body goes to its own buffer first: it is both part of the record and, when a map, a layer of its own.
        if (Property(json, logRecord, "body"u8) is { } bodyRange)
        {
            bodyKind = WriteAnyValue(context.Scratch.Begin(), json, bodyRange, 0);
            body = context.Scratch.End();
        }

        var writer = context.Scratch.Begin();
        writer.WriteStartObject();
        var reader = JsonNavigator.Open(json[logRecord]);
        var offset = logRecord.Start.Value;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var range = Shift(JsonNavigator.ValueRange(ref reader), offset);
            writer.WritePropertyName(name);
            switch (name)
            {
                case "body":
                    writer.WriteRawValue(body is null ? "null"u8 : body, skipInputValidation: true);
                    break;
                case "attributes":
                    var pairs = new List<(string Key, Range Value)>();
                    WriteKeyValueObject(writer, json, range, pairs);
                    stream ??= FindString(json, pairs, "log.iostream");
                    break;
                default:
                    writer.WriteRawValue(json[range], skipInputValidation: true);
                    var value = JsonNavigator.Open(json[range]);
                    switch (name)
                    {
                        case "timeUnixNano": time = time == 0 ? ReadUInt64(ref value) : time; break;
                        case "observedTimeUnixNano": observed = observed == 0 ? ReadUInt64(ref value) : observed; break;
                        case "severityText": severityText ??= value.TokenType == JsonTokenType.String ? value.GetString() : null; break;
                        case "severityNumber": severityNumber = severityNumber == 0 ? (long)ReadUInt64(ref value) : severityNumber; break;
                    }
                    break;
            }
        }
        writer.WriteEndObject();
        var recordJson = context.Scratch.End();

        var message = "";
        if (body is not null)
        {
            var bodyFields = new LogFields(new JsonFieldLayer(body));
            message = bodyKind == AnyValueKind.Map
                ? bodyFields[MessagePath] ?? bodyFields[MsgPath] ?? LogText.Decode(body)
                : ReadAsText(body) ?? "";
        }

        var level = (severityText is null ? null : LogLevels.TryKnown(severityText.AsSpan().Trim()))
            ?? LogLevels.FromSeverityNumber(severityNumber)
            ?? LogLevels.Normalize(severityText);

        var (timestamp, timeSource) = LogTimestamps.TryFromUnixNanos(time, out var t) ? (t, LogTimestampSource.Record)
            : LogTimestamps.TryFromUnixNanos(observed, out var o) ? (o, LogTimestampSource.Record)
            : LogRecordParser.KafkaTime(context.Source);

        // Transport layers first so that nothing inside a log record can shadow them.
        var layers = new List<JsonFieldLayer>(5);
        if (shared.KubernetesJson is not null)
        {
            layers.Add(new JsonFieldLayer(shared.KubernetesJson, "kubernetes"));
        }
        layers.Add(new JsonFieldLayer(shared.Resource, "resource"));
        layers.Add(new JsonFieldLayer(shared.Scope, "scope"));
        layers.Add(new JsonFieldLayer(recordJson));
        if (bodyKind == AnyValueKind.Map)
        {
            layers.Add(new JsonFieldLayer(body));
        }

        context.Output.Add(new LogRecord(context.Source.Coordinates, timestamp, timeSource, LogText.TrimLineEnd(message),
            level, stream, shared.Kubernetes, new LogFields([.. layers]), LogFormat.Otlp));
    }

    private static string? ReadAsText(byte[] json)
    {
        var reader = JsonNavigator.Open(json);
        return JsonNavigator.ReadAsText(ref reader, json);
    }

    private static byte[] WriteScope(JsonScratch scratch, ReadOnlySpan<byte> json, Range? scope)
    {
        var writer = scratch.Begin();
        writer.WriteStartObject();
        if (scope is { } s)
        {
            var reader = JsonNavigator.Open(json[s]);
            var offset = s.Start.Value;
            var isObject = reader.TokenType == JsonTokenType.StartObject;
            while (isObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var range = Shift(JsonNavigator.ValueRange(ref reader), offset);
                writer.WritePropertyName(name);
                if (name == "attributes")
                {
                    WriteKeyValueObject(writer, json, range, null);
                }
                else
                {
                    writer.WriteRawValue(json[range], skipInputValidation: true);
                }
            }
        }
        writer.WriteEndObject();
        return scratch.End();
    }

    /// <summary>What an AnyValue turned into: a string body is the message as is, a map body also answers paths.</summary>
    private enum AnyValueKind { Empty, String, Scalar, Array, Map }

    /// <summary>The oneof fields of an OTLP AnyValue.</summary>
    private enum AnyValueField { Unknown, String, Bool, Int, Double, Bytes, Array, Kvlist }

    /// <summary>
    /// Writes an OTLP AnyValue as plain JSON: stringValue and bytesValue (base64) as strings, intValue as a number
    /// (it is a decimal string on the wire), doubleValue and boolValue as they are, arrayValue as an array,
    /// kvlistValue as an object, an empty AnyValue as null.
    /// </summary>
    private static AnyValueKind WriteAnyValue(Utf8JsonWriter writer, ReadOnlySpan<byte> json, Range value, int nesting)
    {
        var reader = JsonNavigator.Open(json[value]);
        if (reader.TokenType != JsonTokenType.StartObject || nesting > MaxValueNesting)
        {
            writer.WriteNullValue();
            return AnyValueKind.Empty;
        }
        var offset = value.Start.Value;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("stringValue"u8) ? AnyValueField.String
                : reader.ValueTextEquals("boolValue"u8) ? AnyValueField.Bool
                : reader.ValueTextEquals("intValue"u8) ? AnyValueField.Int
                : reader.ValueTextEquals("doubleValue"u8) ? AnyValueField.Double
                : reader.ValueTextEquals("bytesValue"u8) ? AnyValueField.Bytes
                : reader.ValueTextEquals("arrayValue"u8) ? AnyValueField.Array
                : reader.ValueTextEquals("kvlistValue"u8) ? AnyValueField.Kvlist
                : AnyValueField.Unknown;
            reader.Read();
            var token = reader.TokenType;
            var range = Shift(JsonNavigator.ValueRange(ref reader), offset);
            var raw = json[range];
            switch (field)
            {
                case AnyValueField.String or AnyValueField.Bytes when token == JsonTokenType.String:
                    var text = JsonNavigator.Open(raw);
                    writer.WriteStringValue(text.GetString());
                    return field == AnyValueField.String ? AnyValueKind.String : AnyValueKind.Scalar;
                case AnyValueField.Bool when token is JsonTokenType.True or JsonTokenType.False:
                case AnyValueField.Int or AnyValueField.Double when token == JsonTokenType.Number:
                    writer.WriteRawValue(raw, skipInputValidation: true);
                    return AnyValueKind.Scalar;
                case AnyValueField.Int when token == JsonTokenType.String:
                    var digits = raw[1..^1];
                    if (Utf8Parser.TryParse(digits, out long number, out var used) && used == digits.Length)
                    {
                        writer.WriteNumberValue(number);
                    }
                    else
                    {
                        writer.WriteStringValue(JsonNavigator.Open(raw).GetString());
                    }
                    return AnyValueKind.Scalar;
                case AnyValueField.Double when token == JsonTokenType.String:
                    // "NaN", "Infinity": JSON has no such numbers.
                    writer.WriteStringValue(JsonNavigator.Open(raw).GetString());
                    return AnyValueKind.Scalar;
                case AnyValueField.Array when token == JsonTokenType.StartObject:
                    writer.WriteStartArray();
                    if (Property(json, range, "values"u8) is { } values)
                    {
                        foreach (var element in Elements(json, values))
                        {
                            WriteAnyValue(writer, json, element, nesting + 1);
                        }
                    }
                    writer.WriteEndArray();
                    return AnyValueKind.Array;
                case AnyValueField.Kvlist when token == JsonTokenType.StartObject:
                    if (nesting + 1 > MaxValueNesting)
                    {
                        writer.WriteNullValue();
                        return AnyValueKind.Empty;
                    }
                    WriteKeyValueObject(writer, json, Property(json, range, "values"u8), null, nesting + 1);
                    return AnyValueKind.Map;
            }
        }
        writer.WriteNullValue();
        return AnyValueKind.Empty;
    }

    /// <summary>
    /// Writes an OTLP KeyValue list (<c>[{"key":…,"value":{AnyValue}}]</c>) as one JSON object; keys keep their
    /// order and a repeated key is written again (lookups take the first). Collects the pairs when asked.
    /// </summary>
    private static void WriteKeyValueObject(Utf8JsonWriter writer, ReadOnlySpan<byte> json, Range? list,
        List<(string Key, Range Value)>? pairs, int nesting = 0)
    {
        writer.WriteStartObject();
        if (list is { } l)
        {
            foreach (var element in Elements(json, l))
            {
                var reader = JsonNavigator.Open(json[element]);
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    continue;
                }
                string? key = null;
                Range? value = null;
                var offset = element.Start.Value;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isKey = reader.ValueTextEquals("key"u8);
                    var isValue = !isKey && reader.ValueTextEquals("value"u8);
                    reader.Read();
                    if (isKey && key is null && reader.TokenType == JsonTokenType.String)
                    {
                        key = reader.GetString();
                    }
                    var range = Shift(JsonNavigator.ValueRange(ref reader), offset);
                    if (isValue && value is null)
                    {
                        value = range;
                    }
                }
                if (key is null)
                {
                    continue;
                }
                writer.WritePropertyName(key);
                if (value is { } v)
                {
                    WriteAnyValue(writer, json, v, nesting);
                    pairs?.Add((key, v));
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// Maps the OpenTelemetry k8s.* resource attributes onto Fluent Bit's fields (docs/logs.md has the table); null
    /// when none is present. Workload attributes become owners: the pod's direct owner (ReplicaSet, StatefulSet,
    /// DaemonSet, Job) as the controller, then the owner's owner (Deployment, CronJob) with Controller unset.
    /// </summary>
    private static KubernetesMetadata? MapKubernetes(ReadOnlySpan<byte> json, List<(string Key, Range Value)> pairs)
    {
        string? pod = null, ns = null, podId = null, container = null, imageName = null, imageTag = null, containerId = null, host = null;
        Dictionary<string, string>? labels = null, annotations = null;
        var workloadNames = new string?[Workloads.Length];
        var workloadUids = new string?[Workloads.Length];
        var any = false;

        foreach (var (key, range) in pairs)
        {
            if (!key.StartsWith("k8s.", StringComparison.Ordinal) && !key.StartsWith("container.", StringComparison.Ordinal))
            {
                continue;
            }
            var text = ScalarText(json, range);
            if (text is null)
            {
                continue;
            }
            var known = true;
            switch (key)
            {
                case "k8s.pod.name": pod ??= text; break;
                case "k8s.namespace.name": ns ??= text; break;
                case "k8s.pod.uid": podId ??= text; break;
                case "k8s.container.name": container ??= text; break;
                case "container.image.name": imageName ??= text; break;
                case "container.image.tag" or "container.image.tags": imageTag ??= text; break;
                case "container.id": containerId ??= text; break;
                case "k8s.node.name": host ??= text; break;
                default:
                    known = TryMapPrefixed(key, text, ref labels, ref annotations) || TryMapWorkload(key, text, workloadNames, workloadUids);
                    break;
            }
            any |= known;
        }
        if (!any)
        {
            return null;
        }

        var owners = new List<OwnerReference>();
        for (var i = 0; i < Workloads.Length; i++)
        {
            if (workloadNames[i] is { } name)
            {
                var workload = Workloads[i];
                owners.Add(new OwnerReference(workload.Kind, name, workload.ApiVersion, workloadUids[i], workload.Direct ? true : null));
            }
        }
        var image = imageName is null ? null : imageTag is null ? imageName : imageName + ":" + imageTag;
        return new KubernetesMetadata(pod, ns, podId, container, image, containerId, host,
            KubernetesMetadataReader.Freeze(labels), KubernetesMetadataReader.Freeze(annotations), owners.AsReadOnly());
    }

    private static bool TryMapPrefixed(string key, string text, ref Dictionary<string, string>? labels, ref Dictionary<string, string>? annotations)
    {
        // The semantic conventions say k8s.pod.label.<key>; the k8sattributes processor's default is k8s.pod.labels.<key>.
        foreach (var (prefix, isLabel) in PodMapPrefixes)
        {
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                ref var map = ref isLabel ? ref labels : ref annotations;
                map ??= new Dictionary<string, string>(StringComparer.Ordinal);
                if (map.Count < JsonLimits.MaxMapEntries)
                {
                    map.TryAdd(key[prefix.Length..], text);
                }
                return true;
            }
        }
        return false;
    }

    private static readonly (string Prefix, bool IsLabel)[] PodMapPrefixes =
    [
        ("k8s.pod.label.", true), ("k8s.pod.labels.", true), ("k8s.pod.annotation.", false), ("k8s.pod.annotations.", false),
    ];

    /// <summary>A workload named by k8s.&lt;kind&gt;.name / .uid; Direct when it owns the pod itself.</summary>
    private sealed record Workload(string Kind, string ApiVersion, bool Direct)
    {
        public string NameKey { get; } = "k8s." + Kind.ToLowerInvariant() + ".name";

        public string UidKey { get; } = "k8s." + Kind.ToLowerInvariant() + ".uid";
    }

    /// <summary>Direct owners first (the first found is the controller), then the owners' owners.</summary>
    private static readonly Workload[] Workloads =
    [
        new("ReplicaSet", "apps/v1", Direct: true),
        new("StatefulSet", "apps/v1", Direct: true),
        new("DaemonSet", "apps/v1", Direct: true),
        new("Job", "batch/v1", Direct: true),
        new("Deployment", "apps/v1", Direct: false),
        new("CronJob", "batch/v1", Direct: false),
    ];

    private static bool TryMapWorkload(string key, string text, string?[] names, string?[] uids)
    {
        for (var i = 0; i < Workloads.Length; i++)
        {
            if (key == Workloads[i].NameKey)
            {
                names[i] ??= text;
                return true;
            }
            if (key == Workloads[i].UidKey)
            {
                uids[i] ??= text;
                return true;
            }
        }
        return false;
    }

    /// <summary>The text of a scalar AnyValue (for arrayValue, its first element, as for container.image.tags).</summary>
    private static string? ScalarText(ReadOnlySpan<byte> json, Range value)
    {
        var reader = JsonNavigator.Open(json[value]);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        var offset = value.Start.Value;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isArray = reader.ValueTextEquals("arrayValue"u8);
            var isScalar = !isArray && (reader.ValueTextEquals("stringValue"u8) || reader.ValueTextEquals("intValue"u8)
                || reader.ValueTextEquals("boolValue"u8) || reader.ValueTextEquals("doubleValue"u8));
            reader.Read();
            if (isScalar)
            {
                return JsonNavigator.ReadScalar(ref reader);
            }
            var range = Shift(JsonNavigator.ValueRange(ref reader), offset);
            if (isArray && Property(json, range, "values"u8) is { } values)
            {
                foreach (var element in Elements(json, values))
                {
                    return ScalarText(json, element);
                }
            }
        }
        return null;
    }

    private static string? FindString(ReadOnlySpan<byte> json, List<(string Key, Range Value)> pairs, string key)
    {
        foreach (var (k, v) in pairs)
        {
            if (k == key)
            {
                return ScalarText(json, v);
            }
        }
        return null;
    }

    /// <summary>An unsigned 64-bit integer written as a number or, as OTLP JSON does, a decimal string; 0 otherwise.</summary>
    private static ulong ReadUInt64(ref Utf8JsonReader reader)
    {
        var digits = reader.TokenType switch
        {
            JsonTokenType.Number or JsonTokenType.String when !reader.ValueIsEscaped => reader.ValueSpan,
            _ => default,
        };
        return Utf8Parser.TryParse(digits, out ulong value, out var used) && used == digits.Length ? value : 0;
    }

    /// <summary>The value range of the first property <paramref name="name"/> of the object at <paramref name="obj"/>.</summary>
    private static Range? Property(ReadOnlySpan<byte> json, Range obj, ReadOnlySpan<byte> name)
    {
        var reader = JsonNavigator.Open(json[obj]);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var range = JsonNavigator.ValueRange(ref reader);
            if (match)
            {
                return Shift(range, obj.Start.Value);
            }
        }
        return null;
    }

    /// <summary>The ranges of an array's elements (none when it is not an array).</summary>
    private static List<Range> Elements(ReadOnlySpan<byte> json, Range array)
    {
        var elements = new List<Range>();
        var reader = JsonNavigator.Open(json[array]);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return elements;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            elements.Add(Shift(JsonNavigator.ValueRange(ref reader), array.Start.Value));
        }
        return elements;
    }

    private static Range Shift(Range range, int by) => (range.Start.Value + by)..(range.End.Value + by);
}
