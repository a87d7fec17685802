namespace Automation.Core.Kafka;

/// <summary>
/// A record of the event that could not be decoded. It is counted, logged and skipped (never retried:
/// a poison record must not block its partition).
/// </summary>
/// <param name="Identifier">The best identity the event gave: "topic-partition@offset", or the records key and index.</param>
/// <param name="Reason">Why, in words safe to log (never the record's content).</param>
public sealed record KafkaDecodeFailure(string Identifier, string Reason);
