using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.Testing.Kubernetes;

/// <summary>Kafka events of container log lines as Fluent Bit sends them, for pods the fake Kubernetes API also serves.</summary>
public static class PodLogEvents
{
    /// <summary>One log line of a Deployment's pod (&lt;app&gt;-&lt;hash&gt;-&lt;suffix&gt;), with the pod uid the fake API gives it.</summary>
    public static byte[] Line(string ns, string app, string hash, string suffix, string log, DateTimeOffset at, string? level = "error") =>
        PodLine(ns, $"{app}-{hash}-{suffix}", new Dictionary<string, string> { ["app.kubernetes.io/name"] = app, ["pod-template-hash"] = hash },
            ("ReplicaSet", $"{app}-{hash}"), log, at, level);

    /// <summary>
    /// One log line of any pod, with these labels and, when <paramref name="owner"/> is given, the ownerReferences
    /// Fluent Bit's kubernetes filter adds with owner_references on (without it, the record names no owner).
    /// </summary>
    public static byte[] PodLine(
        string ns, string pod, IReadOnlyDictionary<string, string> labels, (string Kind, string Name)? owner, string log, DateTimeOffset at, string? level = "error")
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("@timestamp", at.ToUnixTimeMilliseconds() / 1000.0);
            json.WriteString("log", log);
            if (level is not null)
            {
                json.WriteString("level", level);
            }
            json.WriteString("stream", "stderr");
            json.WriteString("time", at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartObject("kubernetes");
            json.WriteString("pod_name", pod);
            json.WriteString("namespace_name", ns);
            json.WriteString("pod_id", FakeKubernetesApi.PodUid(ns, pod));
            json.WriteStartObject("labels");
            foreach (var (key, value) in labels)
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();
            json.WriteString("host", "ip-10-0-1-21.eu-west-1.compute.internal");
            var container = labels.GetValueOrDefault("app.kubernetes.io/name") ?? "app";
            json.WriteString("container_name", container);
            json.WriteString("container_image", $"example/{container}:1");
            if (owner is { } o)
            {
                json.WriteStartArray("ownerReferences");
                json.WriteStartObject();
                json.WriteString("apiVersion", o.Kind is "Job" ? "batch/v1" : "apps/v1");
                json.WriteString("kind", o.Kind);
                json.WriteString("name", o.Name);
                json.WriteBoolean("controller", true);
                json.WriteEndObject();
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>An MSK event holding <paramref name="values"/> in order, on one partition from <paramref name="firstOffset"/>.</summary>
    public static byte[] Event(IEnumerable<byte[]> values, DateTimeOffset at, long firstOffset = 1000)
    {
        var records = values.Select((value, i) => new KafkaRecord("k8s-logs", 0, firstOffset + i, at, "CREATE_TIME", Key: null, value, [])).ToList();
        return KafkaEventWriter.Write(records);
    }
}
