namespace Automation.Core.Logs;

/// <summary>
/// One JSON object a record's fields are looked up in. A layer without <see cref="Mount"/> answers paths from the
/// top; a mounted layer answers only paths whose first key is its mount name (e.g. <c>kubernetes</c> for OTLP).
/// </summary>
/// <param name="Json">A complete, already validated UTF-8 JSON object.</param>
internal readonly record struct JsonFieldLayer(ReadOnlyMemory<byte> Json, string? Mount = null);
