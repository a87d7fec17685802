using Automation.Core.Logs;
using static Automation.Core.Tests.Logs.LogTestRecords;

namespace Automation.Core.Tests.Logs;

public sealed class LogFieldsTests
{
    private const string Value = """
        {"a.b":"dotted","a":{"b":"nested","a.b":{"c":"deep"}},"caf\u00e9":"escaped key","quote\"d":"q",
         "n":12.5,"big":12345678901234567890,"t":true,"f":false,"z":null,"o":{"k":[1,{"x":"y"},[3]]},
         "dup":"first","dup":"second","s":"line\nwith \"quotes\" and \u00e9",
         "kubernetes":{"namespace_name":"prod","labels":{"app.kubernetes.io/name":"web","app":"w"}}}
        """;

    private static readonly LogFields Fields = ParseOne(Value).Fields;

    [Theory]
    [InlineData("a.b", "nested")]
    [InlineData("[\"a.b\"]", "dotted")]
    [InlineData("a[\"a.b\"].c", "deep")]
    [InlineData("café", "escaped key")]
    [InlineData("[\"quote\\\"d\"]", "q")]
    [InlineData("n", "12.5")]
    [InlineData("big", "12345678901234567890")]
    [InlineData("t", "true")]
    [InlineData("f", "false")]
    [InlineData("o", """{"k":[1,{"x":"y"},[3]]}""")]
    [InlineData("o.k", """[1,{"x":"y"},[3]]""")]
    [InlineData("o.k[0]", "1")]
    [InlineData("o.k[1].x", "y")]
    [InlineData("o.k[2][0]", "3")]
    [InlineData("dup", "first")]
    [InlineData("s", "line\nwith \"quotes\" and é")]
    [InlineData("kubernetes.labels[\"app.kubernetes.io/name\"]", "web")]
    [InlineData("kubernetes.labels.app", "w")]
    public void Paths_find_values(string path, string expected)
    {
        Assert.True(Fields.TryGetValue(FieldPath.Parse(path), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("z")]
    [InlineData("missing")]
    [InlineData("a.b.c")]
    [InlineData("n.x")]
    [InlineData("o.k[3]")]
    [InlineData("o.k.x")]
    [InlineData("o[0]")]
    [InlineData("[0]")]
    [InlineData("kubernetes.labels.app.kubernetes.io/name")]
    public void Missing_values_and_json_null_are_not_found(string path)
    {
        Assert.False(Fields.TryGetValue(FieldPath.Parse(path), out var value));
        Assert.Null(value);
        Assert.Null(Fields[path]);
    }

    [Theory]
    [InlineData("kubernetes.namespace_name", "prod", true)]
    [InlineData("kubernetes.namespace_name", "Prod", false)]
    [InlineData("café", "escaped key", true)]
    [InlineData("s", "line\nwith \"quotes\" and é", true)]
    [InlineData("n", "12.5", true)]
    [InlineData("t", "true", true)]
    [InlineData("o.k[1]", """{"x":"y"}""", true)]
    [InlineData("z", "null", false)]
    [InlineData("missing", "", false)]
    public void ValueEquals_compares_without_decoding(string path, string expected, bool equal)
    {
        Assert.Equal(equal, Fields.ValueEquals(FieldPath.Parse(path), expected));
    }

    [Fact]
    public void A_bad_path_string_throws_with_its_position()
    {
        Assert.Equal(2, Assert.Throws<FieldPathException>(() => Fields["a..b"]).Position);
    }

    [Fact]
    public void Empty_fields_find_nothing()
    {
        Assert.False(LogFields.Empty.TryGetValue(FieldPath.Parse("log"), out _));
        Assert.False(LogFields.Empty.ValueEquals(FieldPath.Parse("log"), ""));
    }
}
