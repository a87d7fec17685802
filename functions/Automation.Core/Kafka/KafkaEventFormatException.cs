namespace Automation.Core.Kafka;

/// <summary>
/// The Lambda Kafka event as a whole cannot be used: not JSON, not a JSON object, or no <c>records</c> object.
/// Problems of single records never raise it (they become <see cref="KafkaDecodeFailure"/>s).
/// The message is safe to log: it never quotes the event's content.
/// </summary>
public sealed class KafkaEventFormatException : Exception
{
    public KafkaEventFormatException()
        : this("The Kafka event is not usable.")
    {
    }

    public KafkaEventFormatException(string message)
        : base(message)
    {
    }

    public KafkaEventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
