using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// The fields of a log record, looked up by <see cref="FieldPath"/> on demand. Nothing is turned into a DOM: the
/// record keeps the UTF-8 JSON it was read from (a slice of the Kafka value, the unescaped application JSON found
/// in <c>log</c>, or small objects built once per OTLP record) and a lookup walks it with <see cref="Utf8JsonReader"/>.
/// Layers are searched in order and the first hit wins, so metadata taken from the transport (Fluent Bit's
/// <c>kubernetes</c>) cannot be shadowed by what an application writes into its own log line.
/// </summary>
public sealed class LogFields
{
    private readonly JsonFieldLayer[] _layers;

    internal LogFields(params JsonFieldLayer[] layers) => _layers = layers;

    /// <summary>A record without fields (plain text).</summary>
    public static LogFields Empty { get; } = new();

    /// <summary>
    /// The value at <paramref name="path"/> as text: a string unescaped, a number or boolean as its JSON text, an
    /// object or array as its JSON text. A missing field or JSON null gives false.
    /// </summary>
    public bool TryGetValue(FieldPath path, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return TryGetValueCore(path, out value);
        }
        catch (InvalidOperationException)
        {
            // Layers are validated when the record is parsed, so this is not expected; a lookup still never throws.
            value = null;
            return false;
        }
    }

    private bool TryGetValueCore(FieldPath path, [NotNullWhen(true)] out string? value)
    {
        foreach (var layer in _layers)
        {
            if (!TrySelect(layer, path, out var segments))
            {
                continue;
            }
            var json = layer.Json.Span;
            var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions);
            if (JsonNavigator.TryNavigate(ref reader, segments))
            {
                value = JsonNavigator.ReadAsText(ref reader, json);
                if (value is not null)
                {
                    return true;
                }
            }
        }
        value = null;
        return false;
    }

    /// <summary>Parses <paramref name="path"/> (see <see cref="FieldPath"/>) and looks it up; a path that does not parse throws <see cref="FieldPathException"/>.</summary>
    public bool TryGetValue(string path, [NotNullWhen(true)] out string? value) =>
        TryGetValue(FieldPath.Parse(path), out value);

    /// <summary>The value at <paramref name="path"/>, or null.</summary>
    public string? this[FieldPath path] => TryGetValue(path, out var value) ? value : null;

    /// <summary>The value at <paramref name="path"/>, or null. Parses the path on each call (prefer a parsed one) and throws <see cref="FieldPathException"/> when it does not parse.</summary>
    public string? this[string path] => TryGetValue(path, out var value) ? value : null;

    /// <summary>
    /// Whether the value at <paramref name="path"/> reads as <paramref name="expected"/> (ordinal), without allocating:
    /// strings are compared unescaped, numbers and booleans by their JSON text.
    /// </summary>
    public bool ValueEquals(FieldPath path, string expected)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(expected);
        try
        {
            return ValueEqualsCore(path, expected);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private bool ValueEqualsCore(FieldPath path, string expected)
    {
        foreach (var layer in _layers)
        {
            if (!TrySelect(layer, path, out var segments))
            {
                continue;
            }
            var reader = new Utf8JsonReader(layer.Json.Span, JsonLimits.ReaderOptions);
            if (!JsonNavigator.TryNavigate(ref reader, segments))
            {
                continue;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return reader.ValueTextEquals(expected);
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                    return AsciiEquals(reader.ValueSpan, expected);
                case JsonTokenType.Null:
                    continue;
                default:
                    return string.Equals(JsonNavigator.ReadAsText(ref reader, layer.Json.Span), expected, StringComparison.Ordinal);
            }
        }
        return false;
    }

    /// <summary>Picks the part of <paramref name="path"/> a layer should resolve, or false when the layer does not apply.</summary>
    private static bool TrySelect(JsonFieldLayer layer, FieldPath path, out ReadOnlySpan<FieldPathSegment> segments)
    {
        segments = path.Segments;
        if (layer.Mount is null)
        {
            return true;
        }
        if (segments[0].Name is { } first && string.Equals(first, layer.Mount, StringComparison.Ordinal))
        {
            segments = segments[1..];
            return true;
        }
        return false;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> utf8, string expected)
    {
        if (utf8.Length != expected.Length)
        {
            return false;
        }
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString()
    {
        // For debugging only: the layers' JSON, mounted ones under their name.
        var text = new StringBuilder();
        foreach (var layer in _layers)
        {
            text.Append(layer.Mount is null ? "" : layer.Mount + "=").Append(Encoding.UTF8.GetString(layer.Json.Span)).Append(' ');
        }
        return text.ToString().TrimEnd();
    }
}
