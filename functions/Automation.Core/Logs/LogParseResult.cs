namespace Automation.Core.Logs;

/// <summary>What parsing one Kafka record gave: how many log records, and whether the value was damaged.</summary>
/// <param name="Produced">Log records appended (OTLP records may carry many; a damaged value still yields its text).</param>
/// <param name="Malformed">The value looked structured (JSON or OTLP) but could not be parsed; it was kept as plain text.</param>
/// <param name="InvalidUtf8">The value was not valid UTF-8; invalid sequences were replaced with U+FFFD.</param>
/// <param name="Problem">A short reason safe to log when <see cref="Malformed"/>; never record content.</param>
public readonly record struct LogParseResult(int Produced, bool Malformed, bool InvalidUtf8, string? Problem);
