using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>A reusable writer for the small JSON objects built while reading an OTLP export; each result is copied out.</summary>
internal sealed class JsonScratch : IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        // The objects are only ever read back by our own lookups, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public JsonScratch() => _writer = new Utf8JsonWriter(_buffer, Options);

    public Utf8JsonWriter Begin()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return _writer;
    }

    public byte[] End()
    {
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _writer.Dispose();
}
