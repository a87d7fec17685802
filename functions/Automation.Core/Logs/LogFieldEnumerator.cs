using System.Text;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// Walks a record's top-level fields in lookup order (see <see cref="LogFields.EnumerateFields"/>) with one
/// <see cref="Utf8JsonReader"/>: each value is skipped, not parsed into anything, so the cost is one linear pass over
/// the JSON and nothing is allocated (except the unescaped <c>log</c> line, which lookups cache as well).
/// </summary>
public ref struct LogFieldEnumerator
{
    private readonly LogFields _fields;
    private int _layer;
    private bool _inLayer;
    private ReadOnlySpan<byte> _json;
    private Utf8JsonReader _reader;

    internal LogFieldEnumerator(LogFields fields)
    {
        _fields = fields;
        _layer = -1;
    }

    public LogField Current { get; private set; }

    public readonly LogFieldEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_inLayer && NextProperty())
            {
                return true;
            }
            _inLayer = false;
            if (++_layer >= _fields.LayerCount)
            {
                Current = default;
                return false;
            }
            if (!_fields.IsListed(_layer))
            {
                continue;
            }
            _json = _fields.JsonOf(_layer);
            if (_fields.MountOf(_layer) is { } mount)
            {
                Current = new LogField(MountName(mount), false, _json, isMount: true, _layer);
                return true;
            }
            _reader = new Utf8JsonReader(_json, JsonLimits.ReaderOptions);
            _inLayer = _reader.Read() && _reader.TokenType == JsonTokenType.StartObject;
        }
    }

    private bool NextProperty()
    {
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.PropertyName)
        {
            return false;
        }
        var name = _reader.ValueSpan;
        var escaped = _reader.ValueIsEscaped;
        _reader.Read();
        var start = (int)_reader.TokenStartIndex;
        _reader.Skip();
        // After Skip the reader is on the value's last token: a container's closing bracket, or the value itself.
        Current = new LogField(name, escaped, _json[start..(int)_reader.BytesConsumed], isMount: false, _layer);
        return true;
    }

    /// <summary>The mounts Core uses are literals; anything else is encoded (tests only).</summary>
    private static ReadOnlySpan<byte> MountName(string mount) => mount switch
    {
        "kubernetes" => "kubernetes"u8,
        "resource" => "resource"u8,
        "scope" => "scope"u8,
        "log" => "log"u8,
        _ => Encoding.UTF8.GetBytes(mount),
    };
}
