using System.Text;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// One top-level field of a record, as <see cref="LogFields.EnumerateFields"/> walks them: spans into the record's
/// validated JSON, nothing copied. A mounted layer (an OTLP record's <c>resource</c>, <c>scope</c>, <c>kubernetes</c>)
/// is one field whose value is that whole object.
/// </summary>
public readonly ref struct LogField
{
    internal LogField(ReadOnlySpan<byte> rawName, bool nameIsEscaped, ReadOnlySpan<byte> value, bool isMount, int layer)
    {
        Layer = layer;
        RawName = rawName;
        NameIsEscaped = nameIsEscaped;
        Value = value;
        IsMount = isMount;
    }

    /// <summary>The key as the JSON spells it, without quotes; it may hold escapes (see <see cref="NameIsEscaped"/>).</summary>
    public ReadOnlySpan<byte> RawName { get; }

    /// <summary>Whether <see cref="RawName"/> holds escapes (then use <see cref="GetName"/> or <see cref="NameEquals"/>).</summary>
    public bool NameIsEscaped { get; }

    /// <summary>The value's complete JSON text (valid UTF-8 JSON): a string with its quotes, a number, an object...</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>True for a mounted layer: the field is a whole object the record was given (not a key of its JSON).</summary>
    public bool IsMount { get; }

    /// <summary>
    /// Where in lookup order it came from (a lower layer wins lookups). A JSON record's own keys are layer 0 and its
    /// application line's keys layer 2 (the line mounted as <c>log</c> is layer 1, not listed), so a consumer can tell
    /// what the transport wrote (e.g. Fluent Bit's <c>kubernetes</c>) from what an application wrote into its line.
    /// </summary>
    public int Layer { get; }

    /// <summary>The first token of <see cref="Value"/>: <see cref="JsonTokenType.StartObject"/>, String, Number...</summary>
    public JsonTokenType ValueKind => Value.IsEmpty ? JsonTokenType.None : Value[0] switch
    {
        (byte)'{' => JsonTokenType.StartObject,
        (byte)'[' => JsonTokenType.StartArray,
        (byte)'"' => JsonTokenType.String,
        (byte)'t' => JsonTokenType.True,
        (byte)'f' => JsonTokenType.False,
        (byte)'n' => JsonTokenType.Null,
        _ => JsonTokenType.Number,
    };

    /// <summary>The key unescaped (allocates a string).</summary>
    public string GetName() => NameIsEscaped ? JsonUnescapeName(RawName) : Encoding.UTF8.GetString(RawName);

    /// <summary>Whether the unescaped key is <paramref name="utf8"/>, without allocating when it has no escapes.</summary>
    public bool NameEquals(ReadOnlySpan<byte> utf8) =>
        NameIsEscaped ? Encoding.UTF8.GetBytes(GetName()).AsSpan().SequenceEqual(utf8) : RawName.SequenceEqual(utf8);

    /// <summary>A reader positioned on the value's first token, for copying it.</summary>
    public Utf8JsonReader OpenValue()
    {
        var reader = new Utf8JsonReader(Value, JsonLimits.ReaderOptions);
        reader.Read();
        return reader;
    }

    private static string JsonUnescapeName(ReadOnlySpan<byte> raw)
    {
        // Reading the name back as a JSON string token unescapes it exactly as the record's reader did.
        var quoted = new byte[raw.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString()!;
    }
}
