using System.Text;
using System.Text.Json;
using Automation.Core.Logs;

namespace Automation.Core.Tests.Logs;

/// <summary>The hand-written unescape must give exactly the reader's bytes, and refuse what the reader would refuse.</summary>
public sealed class JsonUnescapeTests
{
    [Theory]
    [InlineData("plain text, no escapes at all")]
    [InlineData("")]
    [InlineData(@"{\u0022level\u0022:\u0022info\u0022,\u0022msg\u0022:\u0022a \u002B b\u0022}\n")]
    [InlineData(@"{\""msg\"":\""quoted\"", \""path\"":\""C:\\dir\/file\""}\r\n")]
    [InlineData(@"\b\f\n\r\t\\\/\""")]
    [InlineData(@"\u00e9t\u00C9 \u20AC \ud83d\ude00 end")]
    [InlineData(@"\u0000 nul and \u001f unit separator")]
    [InlineData(@"caf\u00e9 then a long run without any escape to take the vectorised path past eight bytes \u0041")]
    [InlineData("raw UTF-8 é € 😀 kept as is")]
    public void Gives_the_readers_bytes(string content)
    {
        var token = Encoding.UTF8.GetBytes("\"" + content + "\"");
        var reader = new Utf8JsonReader(token);
        reader.Read();
        var expected = new byte[token.Length];
        var expectedLength = reader.CopyString(expected);

        var actual = new byte[token.Length];
        Assert.True(JsonUnescape.TryUnescape(token.AsSpan(1, token.Length - 2), actual, out var written));

        Assert.Equal(expected.AsSpan(0, expectedLength).ToArray(), actual.AsSpan(0, written).ToArray());
    }

    [Theory]
    [InlineData(@"lone high \ud800 surrogate")]
    [InlineData(@"lone low \udc00 surrogate")]
    [InlineData(@"high then text \ud83dx")]
    [InlineData(@"high then high \ud83d\ud83d")]
    [InlineData(@"ends in a high surrogate \ud83d")]
    [InlineData(@"bad hex \u00zz")]
    [InlineData(@"short \u00")]
    [InlineData(@"unknown escape \q")]
    [InlineData(@"trailing backslash \")]
    public void Refuses_what_does_not_decode(string content)
    {
        var raw = Encoding.UTF8.GetBytes(content);

        Assert.False(JsonUnescape.TryUnescape(raw, new byte[raw.Length], out _));
    }

    [Fact]
    public void Refuses_a_destination_shorter_than_the_text()
    {
        Assert.False(JsonUnescape.TryUnescape("abc"u8, new byte[2], out _));
    }
}
