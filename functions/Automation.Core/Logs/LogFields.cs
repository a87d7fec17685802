using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// The fields of a log record, looked up by <see cref="FieldPath"/> on demand. Nothing is turned into a DOM: the
/// record keeps the UTF-8 JSON it was read from (the Kafka value itself, the application JSON found in its
/// <c>log</c> string, or small objects built once per OTLP record) and a lookup walks it with <see cref="Utf8JsonReader"/>.
/// Layers are searched in order and the first hit wins, so metadata taken from the transport (Fluent Bit's
/// <c>kubernetes</c>) cannot be shadowed by what an application writes into its own log line.
/// <para>
/// A JSON record's layers are the value, then its <c>log</c> line mounted as <c>log</c>, then the same line from
/// the top (Fluent Bit's Merge_Log). Most records are never looked at closely, so what only a lookup needs is
/// built on first use: the unescaped line, and the pod's <see cref="KubernetesMetadata"/>.
/// </para>
/// </summary>
public sealed class LogFields
{
    private const string LogMount = "log";

    /// <summary>OTLP records (and tests): the layers as given. Null for a JSON record.</summary>
    private readonly JsonFieldLayer[]? _layers;

    /// <summary>A JSON record: the whole validated value.</summary>
    private readonly ReadOnlyMemory<byte> _record;

    /// <summary>The <c>log</c> string token (quotes included) when it holds a valid JSON object; length 0 otherwise.</summary>
    private readonly int _lineStart, _lineLength;

    private readonly bool _lineEscaped;

    /// <summary>The <c>kubernetes</c> object; length 0 when the record has none.</summary>
    private readonly int _kubernetesStart, _kubernetesLength;

    /// <summary>Built on first use; a race computes equal values and the first one stored is kept.</summary>
    private byte[]? _unescapedLine;

    private KubernetesMetadata? _kubernetes;

    internal LogFields(params JsonFieldLayer[] layers) => _layers = layers;

    /// <summary>
    /// A JSON record. <paramref name="line"/> is the <c>log</c> string's range (quotes included) when its text is a
    /// valid JSON object, <paramref name="kubernetes"/> the range of the <c>kubernetes</c> object; an empty range when absent.
    /// </summary>
    internal LogFields(ReadOnlyMemory<byte> record, Range line, bool lineEscaped, Range kubernetes)
    {
        _record = record;
        (_lineStart, _lineLength) = line.GetOffsetAndLength(record.Length);
        _lineEscaped = lineEscaped;
        (_kubernetesStart, _kubernetesLength) = kubernetes.GetOffsetAndLength(record.Length);
    }

    /// <summary>A record without fields (plain text).</summary>
    public static LogFields Empty { get; } = new();

    /// <summary>
    /// The pod's metadata read from the record's <c>kubernetes</c> object, the first time it is asked for; null
    /// when the record has no such object (OTLP records carry theirs in <see cref="LogRecord"/>).
    /// </summary>
    internal KubernetesMetadata? Kubernetes
    {
        get
        {
            if (_kubernetesLength == 0)
            {
                return null;
            }
            if (Volatile.Read(ref _kubernetes) is { } known)
            {
                return known;
            }
            var read = ReadKubernetes();
            return Interlocked.CompareExchange(ref _kubernetes, read, null) ?? read;
        }
    }

    private KubernetesMetadata? ReadKubernetes()
    {
        try
        {
            var reader = JsonNavigator.Open(_record.Span.Slice(_kubernetesStart, _kubernetesLength));
            return KubernetesMetadataReader.Read(ref reader);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            // The value was validated when the record was parsed, so this is not expected; a property still never throws.
            return null;
        }
    }

    internal int LayerCount => _layers?.Length ?? (_record.IsEmpty ? 0 : _lineLength == 0 ? 1 : 3);

    internal string? MountOf(int layer) => _layers is not null ? _layers[layer].Mount : layer == 1 ? LogMount : null;

    /// <summary>Whether <see cref="EnumerateFields"/> lists a layer: a JSON record's <c>log.</c> view is its own <c>log</c> key already.</summary>
    internal bool IsListed(int layer) => _layers is not null || layer != 1;

    internal ReadOnlySpan<byte> JsonOf(int layer) =>
        _layers is not null ? _layers[layer].Json.Span : layer == 0 ? _record.Span : Line();

    /// <summary>The application's JSON line: a slice of the value, or its unescaped copy made on first use.</summary>
    private ReadOnlySpan<byte> Line()
    {
        var raw = _record.Span.Slice(_lineStart + 1, _lineLength - 2);
        if (!_lineEscaped)
        {
            return raw;
        }
        if (Volatile.Read(ref _unescapedLine) is { } known)
        {
            return known;
        }
        var reader = JsonNavigator.Open(_record.Span.Slice(_lineStart, _lineLength));
        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var unescaped = buffer.AsSpan(0, reader.CopyString(buffer)).ToArray();
            return Interlocked.CompareExchange(ref _unescapedLine, unescaped, null) ?? unescaped;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The record's top-level fields, in the order lookups search them, without building anything:
    /// <list type="bullet">
    /// <item>a JSON record: its own keys (<c>log</c> and <c>kubernetes</c> included), then, when <c>log</c> holds
    /// application JSON, that object's keys;</item>
    /// <item>an OTLP record: each mounted layer (<c>kubernetes</c>, <c>resource</c>, <c>scope</c>) as one field whose
    /// value is the whole object (<see cref="LogField.IsMount"/>), then the log record's keys (<c>body</c>,
    /// <c>attributes</c>, <c>traceId</c>...), then a map body's keys;</item>
    /// <item>plain text: nothing.</item>
    /// </list>
    /// Only the top level is walked: a consumer copying values bounds their depth and count itself (the forwarder's
    /// documents do). A name can repeat (within a layer, or across layers); the first one is the one lookups find.
    /// </summary>
    public LogFieldEnumerator EnumerateFields() => new(this);

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
        for (var layer = 0; layer < LayerCount; layer++)
        {
            if (!TrySelect(MountOf(layer), path, out var segments))
            {
                continue;
            }
            var json = JsonOf(layer);
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
        for (var layer = 0; layer < LayerCount; layer++)
        {
            if (!TrySelect(MountOf(layer), path, out var segments))
            {
                continue;
            }
            var json = JsonOf(layer);
            var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions);
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
                    return string.Equals(JsonNavigator.ReadAsText(ref reader, json), expected, StringComparison.Ordinal);
            }
        }
        return false;
    }

    /// <summary>Picks the part of <paramref name="path"/> a layer should resolve, or false when the layer does not apply.</summary>
    private static bool TrySelect(string? mount, FieldPath path, out ReadOnlySpan<FieldPathSegment> segments)
    {
        segments = path.Segments;
        if (mount is null)
        {
            return true;
        }
        if (segments[0].Name is { } first && string.Equals(first, mount, StringComparison.Ordinal))
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
        for (var layer = 0; layer < LayerCount; layer++)
        {
            text.Append(MountOf(layer) is { } mount ? mount + "=" : "").Append(Encoding.UTF8.GetString(JsonOf(layer))).Append(' ');
        }
        return text.ToString().TrimEnd();
    }
}
