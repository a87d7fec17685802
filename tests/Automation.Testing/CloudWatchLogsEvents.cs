using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Automation.Testing;

/// <summary>
/// Builds CloudWatch Logs subscription events as CloudWatch Logs delivers them to a Lambda function: the JSON of
/// messageType, owner, logGroup, logStream, subscriptionFilters and logEvents, gzip-compressed, base64-encoded, in
/// <c>{"awslogs":{"data":...}}</c>.
/// </summary>
public static class CloudWatchLogsEvents
{
    public const string Owner = "123456789012";
    public const string FilterName = "audit-to-opensearch";

    /// <summary>One subscription event carrying <paramref name="lines"/>, logged at <paramref name="start"/> one millisecond apart.</summary>
    public static byte[] Wrap(string logGroup, string logStream, IReadOnlyList<string> lines, DateTimeOffset start, out List<string> ids)
    {
        ids = [];
        var events = new JsonArray();
        for (var i = 0; i < lines.Count; i++)
        {
            var timestamp = start.ToUnixTimeMilliseconds() + i;
            var id = EventId(timestamp, i);
            ids.Add(id);
            events.Add(new JsonObject { ["id"] = id, ["timestamp"] = timestamp, ["message"] = lines[i] });
        }
        return Encode(new JsonObject
        {
            ["messageType"] = "DATA_MESSAGE",
            ["owner"] = Owner,
            ["logGroup"] = logGroup,
            ["logStream"] = logStream,
            ["subscriptionFilters"] = new JsonArray(FilterName),
            ["logEvents"] = events,
        });
    }

    /// <summary>The reachability check CloudWatch Logs sends when a subscription is created.</summary>
    public static byte[] Control() => Encode(new JsonObject
    {
        ["messageType"] = "CONTROL_MESSAGE",
        ["owner"] = "CloudwatchLogs",
        ["logGroup"] = "",
        ["logStream"] = "",
        ["subscriptionFilters"] = new JsonArray(),
        ["logEvents"] = new JsonArray(new JsonObject
        {
            ["id"] = "",
            ["timestamp"] = 1440442987000L,
            ["message"] = "CWL CONTROL MESSAGE: Checking health of destination Lambda function.",
        }),
    });

    /// <summary>The envelope around already compressed bytes (or any bytes: hostile-input tests).</summary>
    public static byte[] Envelope(string data) => Encoding.UTF8.GetBytes(new JsonObject { ["awslogs"] = new JsonObject { ["data"] = data } }.ToJsonString());

    public static byte[] Encode(JsonObject document) => Envelope(Convert.ToBase64String(Gzip(Encoding.UTF8.GetBytes(document.ToJsonString()))));

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>An id of CloudWatch Logs' shape: 56 decimal digits that begin with the event's timestamp and sequence.</summary>
    public static string EventId(long timestamp, int sequence) =>
        (timestamp.ToString(CultureInfo.InvariantCulture) + sequence.ToString("D6", CultureInfo.InvariantCulture)).PadRight(56, '0');
}
