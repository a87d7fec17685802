using System.Text.Json;

namespace Automation.Testing;

/// <summary>
/// Writes one record the way Fluent Bit's Kafka output sends it after the kubernetes filter. Shared as source by the
/// test samples and the rules benchmark's corpus (linked into that harness, which publishes with Native AOT and so
/// does not reference this test library); internal, so the two copies never clash.
/// </summary>
internal static class FluentBitRecord
{
    public static byte[] Write(int index, string app, string namespaceName, string log)
    {
        using var buffer = new MemoryStream(900);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("@timestamp", 1_795_000_000.0 + index / 1000.0);
            json.WriteString("log", log);
            json.WriteString("stream", index % 4 == 0 ? "stderr" : "stdout");
            json.WriteString("time", "2026-11-27T12:00:00.123456789Z");
            json.WriteStartObject("kubernetes");
            json.WriteString("pod_name", $"{app}-7d9f8b6c5d-{(char)('a' + index % 26)}{(char)('a' + index / 26 % 26)}x{index % 10}q");
            json.WriteString("namespace_name", namespaceName);
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
}
