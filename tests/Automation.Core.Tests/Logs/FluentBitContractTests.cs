using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Automation.Core.Logs;
using Automation.Testing;

namespace Automation.Core.Tests.Logs;

/// <summary>
/// The contract: Fluent Bit's own kubernetes filter test expectations (fixtures/k8s-logs/fluent-bit-tests). Every
/// out/ record, sent as Fluent Bit's Kafka output sends it (the record plus "@timestamp"), must give the pod,
/// namespace, container, labels, annotations, owner and message the record holds. Expected values are read from
/// the fixture files themselves.
/// </summary>
public sealed class FluentBitContractTests
{
    internal static readonly string Root = Fixtures.PathOf("k8s-logs", "fluent-bit-tests");

    public static TheoryData<string> OutFiles() => FilesUnder("out", "*.out");

    public static TheoryData<string> LogFiles() => FilesUnder("log", "*.log");

    [Fact]
    public void The_fixture_set_is_complete()
    {
        Assert.Equal(75, OutFiles().Count);
        Assert.Equal(59, LogFiles().Count);
    }

    [Theory]
    [MemberData(nameof(OutFiles))]
    public void Every_out_record_yields_its_pod_labels_owner_and_message(string file)
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, file)));
        var epoch = expected.RootElement[0];
        var record = expected.RootElement[1];
        var k8s = record.GetProperty("kubernetes");

        var (result, records) = LogTestRecords.Parse(LogTestRecords.Record(FluentBitKafkaValue(epoch, record)));

        Assert.False(result.Malformed, result.Problem);
        Assert.False(result.InvalidUtf8);
        var log = Assert.Single(records);
        Assert.Equal(LogFormat.Json, log.Format);
        Assert.Equal("logs", log.Source.Topic);
        Assert.Equal(42, log.Source.Offset);

        var meta = Assert.IsType<KubernetesMetadata>(log.Kubernetes);
        Assert.Equal(k8s.GetProperty("pod_name").GetString(), meta.PodName);
        Assert.Equal(k8s.GetProperty("namespace_name").GetString(), meta.NamespaceName);
        Assert.Equal(Optional(k8s, "container_name"), meta.ContainerName);
        Assert.Equal(Optional(k8s, "container_image"), meta.ContainerImage);
        Assert.Equal(Optional(k8s, "pod_id"), meta.PodId);
        Assert.Equal(Optional(k8s, "host"), meta.Host);
        Assert.Equal(Optional(k8s, "docker_id"), meta.ContainerId);
        Assert.Equal(Map(k8s, "labels"), meta.Labels.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(Map(k8s, "annotations"), meta.Annotations.OrderBy(p => p.Key, StringComparer.Ordinal));
        AssertOwners(k8s, meta);

        Assert.Equal(Optional(record, "stream"), log.Stream);
        Assert.Equal(LogTimestampSource.Record, log.TimestampSource);
        var seconds = decimal.Parse(epoch.GetRawText(), CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond)), log.Timestamp, TimeSpan.FromMicroseconds(1));

        AssertMessage(record, log);

        // The same metadata through field paths, keys with dots and slashes included.
        Assert.Equal(meta.PodName, log.Fields["kubernetes.pod_name"]);
        Assert.Equal(meta.NamespaceName, log.Fields["kubernetes.namespace_name"]);
        foreach (var map in new[] { "labels", "annotations" })
        {
            foreach (var (key, value) in Map(k8s, map))
            {
                Assert.Equal(value, log.Fields[$"kubernetes.{map}[{Quote(key)}]"]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(LogFiles))]
    public void Every_container_runtime_line_reads_as_json_with_its_time_and_stream(string file)
    {
        foreach (var line in File.ReadAllLines(Path.Combine(Root, file)).Where(l => l.Length > 0))
        {
            using var expected = JsonDocument.Parse(line);
            var record = expected.RootElement;

            var (result, records) = LogTestRecords.Parse(LogTestRecords.Record(line));

            Assert.False(result.Malformed, result.Problem);
            var log = Assert.Single(records);
            Assert.Null(log.Kubernetes);
            Assert.Equal(record.GetProperty("stream").GetString(), log.Stream);
            AssertMessage(record, log);
            Assert.Equal(LogTimestampSource.Record, log.TimestampSource);

            // The application's own time wins over the runtime's (json-with-time); else the runtime's "time".
            var appTime = AppJson(record) is { } app && app.RootElement.TryGetProperty("time", out var t) ? t.GetString() : null;
            var time = appTime ?? record.GetProperty("time").GetString()!;
            var expectedTime = DateTimeOffset.Parse(time[..Math.Min(time.Length, 27)].TrimEnd('Z') + "Z", CultureInfo.InvariantCulture);
            Assert.Equal(expectedTime, log.Timestamp);
        }
    }

    /// <summary>The record with "@timestamp" first, as Fluent Bit's Kafka output writes it (Timestamp_Format double).</summary>
    internal static byte[] FluentBitKafkaValue(JsonElement epoch, JsonElement record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("@timestamp");
            epoch.WriteTo(writer);
            foreach (var property in record.EnumerateObject())
            {
                property.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Owners: the record's own ownerReferences when Fluent Bit emitted them; otherwise the Pod object the filter
    /// read (meta/&lt;namespace&gt;_&lt;pod&gt;.meta, the file Fluent Bit's test serves for that pod). Only the kairosdb pod
    /// has owners there without the record carrying them: its owner comes from the kubernetes.io/created-by
    /// annotation, whose apiVersion is the group ("extensions") where the Pod says "extensions/v1beta1", so that
    /// case compares kind, name, uid and controller.
    /// </summary>
    private static void AssertOwners(JsonElement k8s, KubernetesMetadata meta)
    {
        if (k8s.TryGetProperty("ownerReferences", out var owners))
        {
            var expected = owners.EnumerateArray().Select(o => new OwnerReference(
                o.GetProperty("kind").GetString()!, o.GetProperty("name").GetString()!, Optional(o, "apiVersion"),
                Optional(o, "uid"), o.TryGetProperty("controller", out var c) ? c.GetBoolean() : null)).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, meta.OwnerReferences);
            return;
        }

        var metaFile = Path.Combine(Root, "meta", $"{meta.NamespaceName}_{meta.PodName}.meta");
        var podOwners = new List<JsonElement>();
        using var pod = File.Exists(metaFile) ? JsonDocument.Parse(File.ReadAllBytes(metaFile)) : null;
        if (pod is not null && pod.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("ownerReferences", out var refs))
        {
            podOwners.AddRange(refs.EnumerateArray());
        }
        Assert.Equal(
            podOwners.Select(o => (o.GetProperty("kind").GetString(), o.GetProperty("name").GetString(), Optional(o, "uid"), (bool?)o.GetProperty("controller").GetBoolean())),
            meta.OwnerReferences.Select(o => ((string?)o.Kind, (string?)o.Name, o.Uid, o.Controller)));
    }

    /// <summary>The documented message precedence, applied to the fixture record.</summary>
    private static void AssertMessage(JsonElement record, LogRecord log)
    {
        using var app = AppJson(record);
        var expected = FirstString(app?.RootElement, "message", "msg")
            ?? FirstString(record, "message", "msg", "log", "MESSAGE");
        if (expected is not null)
        {
            Assert.Equal(expected.TrimEnd('\r', '\n'), log.Message);
        }
        else
        {
            // No message key (a Fluent Bit parser named its capture, e.g. default_parser): the record's own fields.
            using var message = JsonDocument.Parse(log.Message);
            var own = record.EnumerateObject()
                .Where(p => p.Name is not ("kubernetes" or "kubernetes_namespace" or "stream" or "time" or "@timestamp"))
                .Select(p => (p.Name, p.Value.GetRawText()));
            Assert.Equal(own, message.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText())));
            Assert.NotEmpty(own);
        }

        if (app is not null)
        {
            // Merge_Log: the application's fields answer from the top (unless the record has the same key) and under "log".
            foreach (var property in app.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                Assert.Equal(property.Value.GetString(), log.Fields[$"log[{Quote(property.Name)}]"]);
                if (!record.TryGetProperty(property.Name, out _))
                {
                    Assert.Equal(property.Value.GetString(), log.Fields[$"[{Quote(property.Name)}]"]);
                }
            }
            Assert.Equal(record.GetProperty("log").GetString(), log.Fields["log"]);
        }
    }

    /// <summary>The application JSON inside "log", when it is a valid JSON object.</summary>
    private static JsonDocument? AppJson(JsonElement record)
    {
        if (!record.TryGetProperty("log", out var log) || log.ValueKind != JsonValueKind.String
            || !log.GetString()!.TrimStart().StartsWith('{'))
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(log.GetString()!);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FirstString(JsonElement? element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element is { } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }
        return null;
    }

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static IEnumerable<KeyValuePair<string, string>> Map(JsonElement k8s, string name) =>
        k8s.TryGetProperty(name, out var map)
            ? map.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList()
            : [];

    private static string Quote(string key) => "\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static TheoryData<string> FilesUnder(string folder, string pattern)
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(Root, folder), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, path));
        }
        return data;
    }
}
