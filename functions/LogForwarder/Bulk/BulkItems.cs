using System.Text.Encodings.Web;
using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.LogForwarder.Bulk;

/// <summary>
/// The NDJSON items of one batch, written once with <see cref="Utf8JsonWriter"/> straight into one pooled buffer;
/// requests are cut from these slices (<see cref="BulkRequestCutter"/>), and retries resend slices.
/// </summary>
internal sealed class BulkItems : IDisposable
{
    /// <summary>Log text is not HTML: only what JSON itself needs is escaped, which keeps bodies small and writing fast.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Concurrent updates of one aggregate (two partitions in the same minute) are retried by OpenSearch itself this often.</summary>
    internal const int RetryOnConflict = 5;

    private readonly PooledBuffer _buffer;
    private readonly Utf8JsonWriter _writer;
    private readonly List<BulkItem> _items = [];

    public BulkItems(int initialCapacity = 1024 * 1024)
    {
        _buffer = new PooledBuffer(initialCapacity);
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    public IReadOnlyList<BulkItem> Items => _items;

    /// <summary>Bytes of all items, uncompressed.</summary>
    public int Bytes => _buffer.Length;

    public ReadOnlySpan<byte> Slice(BulkItem item) => _buffer.WrittenSpan.Slice(item.Start, item.Length);

    /// <summary>Appends one item: the action line, then the source <paramref name="writeSource"/> writes.</summary>
    public BulkItem Add(
        BulkItemKind kind, string operation, string index, string id, IReadOnlyList<KafkaCoordinates> records,
        Func<string>? raw, Action<Utf8JsonWriter> writeSource)
    {
        var start = _buffer.Length;
        try
        {
            _writer.Reset(_buffer);
            _writer.WriteStartObject();
            _writer.WriteStartObject(operation);
            _writer.WriteString("_index", index);
            _writer.WriteString("_id", id);
            if (operation == "update")
            {
                _writer.WriteNumber("retry_on_conflict", RetryOnConflict);
            }
            _writer.WriteEndObject();
            _writer.WriteEndObject();
            _writer.Flush();
            _buffer.WriteByte((byte)'\n');

            _writer.Reset(_buffer);
            writeSource(_writer);
            _writer.Flush();
            _buffer.WriteByte((byte)'\n');
        }
        catch
        {
            // Whatever the writer had put down is taken back, so the buffer holds only whole items.
            _writer.Reset(_buffer);
            _buffer.Truncate(start);
            throw;
        }

        var item = new BulkItem(kind, operation, index, id, start, _buffer.Length - start, records, raw);
        _items.Add(item);
        return item;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }
}
