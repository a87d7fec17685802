using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Automation.Core.Tests.Lambda;

/// <summary>A TextWriter that hands each written line to the test, parsed as the JSON object the runtime writes.</summary>
internal sealed class LineCaptureWriter : TextWriter
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                _lines.Writer.TryWrite(_pending.ToString());
                _pending.Clear();
            }
            else if (value != '\r')
            {
                _pending.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    /// <summary>The next complete line, in write order, parsed as JSON.</summary>
    public async Task<JsonElement> NextLineAsync()
    {
        var line = await _lines.Reader.ReadAsync().AsTask().WaitAsync(RuntimeHarness.Timeout);
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    /// <summary>Lines written and not yet read.</summary>
    public int Unread => _lines.Reader.Count;
}
