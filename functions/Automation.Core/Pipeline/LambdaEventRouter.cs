using System.Text.Json;
using Automation.Core.Lambda;

namespace Automation.Core.Pipeline;

/// <summary>
/// For a function that Lambda invokes with more than one kind of event: looks at the payload's top-level keys (with the
/// reader, no parse of the values) and hands the event to the handler of its kind. Kafka batches, and anything it
/// does not recognise, go to the Kafka handler as before.
/// </summary>
internal sealed class LambdaEventRouter : ILambdaHandler
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly ILambdaHandler _kafka;
    private readonly ILambdaHandler? _cloudWatchLogs;
    private readonly ILambdaHandler? _scheduled;

    /// <param name="cloudWatchLogs">Handles CloudWatch Logs subscription events; null: the function takes none.</param>
    /// <param name="scheduled">Handles EventBridge (scheduled) events; null: the function takes none.</param>
    public LambdaEventRouter(ILambdaHandler kafka, ILambdaHandler? cloudWatchLogs, ILambdaHandler? scheduled = null)
    {
        _kafka = kafka;
        _cloudWatchLogs = cloudWatchLogs;
        _scheduled = scheduled;
    }

    public Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken) =>
        (Classify(payload.Span), _cloudWatchLogs, _scheduled) switch
        {
            (LambdaEventKind.CloudWatchLogs, { } logs, _) => logs.HandleAsync(payload, context, cancellationToken),
            (LambdaEventKind.Scheduled, _, { } scheduled) => scheduled.HandleAsync(payload, context, cancellationToken),
            _ => _kafka.HandleAsync(payload, context, cancellationToken),
        };

    /// <summary>
    /// The kind of event, from the first top-level key that tells the kinds apart. Values before it are skipped (a
    /// Kafka event's keys come before its records, so a 6 MB batch is decided after a few bytes).
    /// </summary>
    public static LambdaEventKind Classify(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload.StartsWith(Utf8Bom) ? payload[Utf8Bom.Length..] : payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return LambdaEventKind.Unknown;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("awslogs"u8))
                {
                    return LambdaEventKind.CloudWatchLogs;
                }
                if (reader.ValueTextEquals("detail-type"u8))
                {
                    return LambdaEventKind.Scheduled;
                }
                if (reader.ValueTextEquals("records"u8) || reader.ValueTextEquals("eventSource"u8))
                {
                    return LambdaEventKind.Kafka;
                }
                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the Kafka decoder reports that, as it always has.
        }
        return LambdaEventKind.Unknown;
    }
}
