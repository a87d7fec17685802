using System.Text;
using System.Text.Json;
using Automation.Core.Logs;

namespace Automation.Core.Tests.Logs;

/// <summary>
/// The quick scan may refuse what the reader accepts (the reader then decides), but must never accept what the
/// reader refuses: checked on well-formed records and on every single-byte mutation and truncation of them.
/// </summary>
public sealed class JsonFastScanTests
{
    private static readonly string[] Samples =
    [
        """{"@timestamp":1795000000.028,"log":"{\u0022level\u0022:\u0022warn\u0022,\u0022msg\u0022:\u0022pool \u002B stats\u0022,\u0022status\u0022:201}\n","stream":"stderr","kubernetes":{"pod_name":"payments-api-7d9f8b6c5d-aax0q","labels":{"app":"payments-api"},"ids":[1,-2.5e+3,0,true,false,null,[],{}]}}""",
        """{"log":"{\"msg\":\"quoted \\\"inner\\\" text\",\"path\":\"C:\\\\dir\\/x\",\"emoji\":\"\ud83d\ude00\"}\r\n","time":"2026-11-27T12:00:00Z"}""",
        "{ \"level\" : \"info\" ,\r\n\t\"msg\" : \"spaced out\", \"n\" : -0.0E-7 , \"deep\" : [ [ { \"a\" : [ ] } ] ] }  \n",
        """{"k\u0065y":"escaped name","ctrl":"tab\tand\u0001","e":""}""",
    ];

    private static readonly byte[] Replacements = "\"\\{}[],:0-+.eEu tfnD\x01\x1f\x7f/bx9"u8.ToArray();

    [Fact]
    public void Accepts_well_formed_records()
    {
        foreach (var sample in Samples)
        {
            Assert.True(FastAccepts(Encoding.UTF8.GetBytes(sample)), sample);
            Assert.True(ReaderAccepts(Encoding.UTF8.GetBytes(sample)), sample);
        }
    }

    [Fact]
    public void Never_accepts_what_the_reader_refuses()
    {
        var checkedCount = 0;
        foreach (var sample in Samples)
        {
            var bytes = Encoding.UTF8.GetBytes(sample);
            for (var i = 0; i < bytes.Length; i++)
            {
                foreach (var replacement in Replacements)
                {
                    var mutated = (byte[])bytes.Clone();
                    mutated[i] = replacement;
                    Check(mutated);
                    checkedCount++;
                }
                Check([.. bytes[..i], .. bytes[(i + 1)..]]);
                Check(bytes[..i]);
                Check([.. bytes[..i], (byte)'x', .. bytes[i..]]);
                checkedCount += 3;
            }
        }
        Assert.True(checkedCount > 10_000);
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":"\udc00\ud800"}""")]
    [InlineData("""{"a":01}""")]
    [InlineData("""{"a":1.}""")]
    [InlineData("""{"a":.5}""")]
    [InlineData("""{"a":1e}""")]
    [InlineData("""{"a":+1}""")]
    [InlineData("""{"a":tru}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":[1,]}""")]
    [InlineData("""{"a":1} x""")]
    [InlineData("""{"a":1}{}""")]
    [InlineData("{\"a\":\"raw\ttab\"}")]
    [InlineData("""{'a':1}""")]
    [InlineData("""{"a":1 /* c */}""")]
    public void Refuses_invalid_json_and_lone_surrogates(string json)
    {
        Assert.False(FastAccepts(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Takes_nesting_to_the_readers_limit_and_no_further()
    {
        static byte[] Nested(int depth) => Encoding.UTF8.GetBytes(new string('[', depth - 1) + "{}" + new string(']', depth - 1));
        static byte[] InObject(int depth) => [.. "{\"a\":"u8, .. Nested(depth - 1), .. "}"u8];

        Assert.True(FastAccepts(InObject(JsonLimits.MaxDepth)));
        Assert.True(ReaderAccepts(InObject(JsonLimits.MaxDepth)));
        Assert.False(FastAccepts(InObject(JsonLimits.MaxDepth + 1)));
    }

    private static void Check(byte[] json)
    {
        if (FastAccepts(json))
        {
            Assert.True(ReaderAccepts(json), Encoding.UTF8.GetString(json));
        }
    }

    private static bool FastAccepts(byte[] json)
    {
        var at = JsonFastScan.SkipWhiteSpace(json, 0);
        return JsonFastScan.TryValue(json, ref at, 0, out var type, out _)
            && type == JsonTokenType.StartObject
            && JsonFastScan.SkipWhiteSpace(json, at) == json.Length;
    }

    /// <summary>What the parser accepted before the quick scan: the reader's verdict, plus every escaped string decoding.</summary>
    private static bool ReaderAccepts(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonLimits.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    reader.CopyString(new byte[reader.ValueSpan.Length]);
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
