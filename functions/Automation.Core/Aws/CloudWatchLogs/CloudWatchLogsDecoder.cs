using System.IO.Compression;
using System.Text.Json;

namespace Automation.Core.Aws.CloudWatchLogs;

/// <summary>
/// Decodes the event a CloudWatch Logs subscription filter sends a Lambda function:
/// <c>{"awslogs":{"data":"&lt;base64 of gzip of JSON&gt;"}}</c>. The inflated size is bounded: CloudWatch Logs sends
/// about 1 MB at most, so anything far above that is refused rather than inflated without limit (a gzip bomb).
/// </summary>
public static class CloudWatchLogsDecoder
{
    /// <summary>The default bound on the inflated JSON: eight times what CloudWatch Logs sends in one event.</summary>
    public const int DefaultMaxInflatedBytes = 8 * 1024 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <exception cref="CloudWatchLogsFormatException">The event cannot be used; the message says why, never quoting it.</exception>
    public static CloudWatchLogsEvent Decode(ReadOnlySpan<byte> payload, int maxInflatedBytes = DefaultMaxInflatedBytes)
    {
        var compressed = Data(payload.StartsWith(Utf8Bom) ? payload[Utf8Bom.Length..] : payload);
        var json = Inflate(compressed, maxInflatedBytes);
        CloudWatchLogsEvent? logs;
        try
        {
            logs = JsonSerializer.Deserialize(json, CloudWatchLogsJsonContext.Default.CloudWatchLogsEvent);
        }
        catch (JsonException e)
        {
            // The serializer's message names the path and line of the problem, not the content.
            throw new CloudWatchLogsFormatException($"The inflated awslogs.data is not the CloudWatch Logs JSON: {e.Message}", e);
        }
        if (logs is null)
        {
            throw new CloudWatchLogsFormatException("The inflated awslogs.data is JSON null.");
        }
        if (logs.MessageType is not (CloudWatchLogsEvent.DataMessage or CloudWatchLogsEvent.ControlMessage))
        {
            throw new CloudWatchLogsFormatException($"The messageType is neither {CloudWatchLogsEvent.DataMessage} nor {CloudWatchLogsEvent.ControlMessage}.");
        }
        return logs;
    }

    /// <summary>The bytes of <c>awslogs.data</c>, found with the reader (the event's other keys are skipped, not parsed).</summary>
    private static byte[] Data(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new CloudWatchLogsFormatException("The CloudWatch Logs event is not a JSON object.");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAwsLogs = reader.ValueTextEquals("awslogs"u8);
                reader.Read();
                if (!isAwsLogs)
                {
                    reader.Skip();
                    continue;
                }
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new CloudWatchLogsFormatException("awslogs is not a JSON object.");
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isData = reader.ValueTextEquals("data"u8);
                    reader.Read();
                    if (!isData)
                    {
                        reader.Skip();
                        continue;
                    }
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new CloudWatchLogsFormatException("awslogs.data is not a string.");
                    }
                    return reader.TryGetBytesFromBase64(out var bytes)
                        ? bytes
                        : throw new CloudWatchLogsFormatException("awslogs.data is not valid base64.");
                }
                break;
            }
        }
        catch (JsonException e)
        {
            throw new CloudWatchLogsFormatException("The CloudWatch Logs event is not valid JSON.", e);
        }
        throw new CloudWatchLogsFormatException("The event has no awslogs.data: it is not a CloudWatch Logs subscription event.");
    }

    /// <summary>Gunzips <paramref name="compressed"/>, refusing to produce more than <paramref name="maxBytes"/>.</summary>
    private static byte[] Inflate(byte[] compressed, int maxBytes)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream(Math.Min(maxBytes, Math.Max(4096, compressed.Length * 8)));
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new CloudWatchLogsFormatException(
                        $"awslogs.data inflates to more than {maxBytes} bytes (CloudWatch Logs sends about 1 MB): refused.");
                }
                output.Write(chunk, 0, read);
            }
            if (output.Length == 0)
            {
                throw new CloudWatchLogsFormatException("awslogs.data inflates to nothing.");
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new CloudWatchLogsFormatException("awslogs.data is not gzip data.", e);
        }
    }
}
