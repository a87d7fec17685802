using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// Writes <see cref="KubernetesMetadata"/> in Fluent Bit's <c>kubernetes</c> shape, so that an OTLP record answers
/// <c>kubernetes.pod_name</c>, <c>kubernetes.labels.app</c>… exactly as a Fluent Bit record does.
/// </summary>
internal static class KubernetesJsonWriter
{
    /// <param name="mapKey">Turns label and annotation keys into property names (the forwarder makes them safe for a
    /// search mapping); null keeps them as they are.</param>
    public static void Write(Utf8JsonWriter writer, KubernetesMetadata metadata, Func<string, string>? mapKey = null)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, "pod_name", metadata.PodName);
        WriteIfSet(writer, "namespace_name", metadata.NamespaceName);
        WriteIfSet(writer, "pod_id", metadata.PodId);
        WriteIfSet(writer, "container_name", metadata.ContainerName);
        WriteIfSet(writer, "container_image", metadata.ContainerImage);
        WriteIfSet(writer, "docker_id", metadata.ContainerId);
        WriteIfSet(writer, "host", metadata.Host);
        WriteMap(writer, "labels", metadata.Labels, mapKey);
        WriteMap(writer, "annotations", metadata.Annotations, mapKey);
        if (metadata.OwnerReferences.Count > 0)
        {
            writer.WriteStartArray("ownerReferences");
            foreach (var owner in metadata.OwnerReferences)
            {
                writer.WriteStartObject();
                writer.WriteString("kind", owner.Kind);
                writer.WriteString("name", owner.Name);
                WriteIfSet(writer, "apiVersion", owner.ApiVersion);
                WriteIfSet(writer, "uid", owner.Uid);
                if (owner.Controller is { } controller)
                {
                    writer.WriteBoolean("controller", controller);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map, Func<string, string>? mapKey)
    {
        if (map.Count == 0)
        {
            return;
        }
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(mapKey is null ? key : mapKey(key), value);
        }
        writer.WriteEndObject();
    }
}
