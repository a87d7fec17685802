using Automation.Core.Logs;

namespace Automation.Core.Tests.Logs;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("kubernetes.labels.app", new[] { "kubernetes", "labels", "app" })]
    [InlineData("kubernetes.labels[\"app.kubernetes.io/name\"]", new[] { "kubernetes", "labels", "app.kubernetes.io/name" })]
    [InlineData("kubernetes.labels['app.kubernetes.io/name']", new[] { "kubernetes", "labels", "app.kubernetes.io/name" })]
    [InlineData("kubernetes.annotations.fluentbit.io/exclude", new[] { "kubernetes", "annotations", "fluentbit", "io/exclude" })]
    [InlineData("[\"log.level\"]", new[] { "log.level" })]
    [InlineData("@timestamp", new[] { "@timestamp" })]
    [InlineData("k8s-app", new[] { "k8s-app" })]
    [InlineData("a[\"say \\\"hi\\\"\"].b", new[] { "a", "say \"hi\"", "b" })]
    [InlineData("a['it\\'s'][\"back\\\\slash\"]", new[] { "a", "it's", "back\\slash" })]
    [InlineData("a[\"\"]", new[] { "a", "" })]
    [InlineData("a[\"]\"]", new[] { "a", "]" })]
    [InlineData("café.naïve", new[] { "café", "naïve" })]
    public void Keys_parse(string text, string[] keys)
    {
        var path = FieldPath.Parse(text);

        Assert.Equal(keys, path.Segments.Select(s => s.Name));
        Assert.Equal(text, path.ToString());
    }

    [Fact]
    public void Indexes_parse()
    {
        var path = FieldPath.Parse("kubernetes.ownerReferences[0].kind");

        Assert.Equal(["kubernetes", "ownerReferences", null, "kind"], path.Segments.Select(s => s.Name));
        Assert.True(path.Segments[2].IsIndex);
        Assert.Equal(0, path.Segments[2].Index);
        Assert.Equal(12, FieldPath.Parse("a[12][3]").Segments[1].Index);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData(".a", 0)]
    [InlineData("a.", 2)]
    [InlineData("a..b", 2)]
    [InlineData("a.[\"b\"]", 2)]
    [InlineData("a b", 1)]
    [InlineData("a]", 1)]
    [InlineData("a[b]", 2)]
    [InlineData("a[", 2)]
    [InlineData("a[0", 3)]
    [InlineData("a[\"b\"", 5)]
    [InlineData("a[\"b", 4)]
    [InlineData("a[\"b\"]c", 6)]
    [InlineData("a[\"b\\n\"]", 4)]
    [InlineData("a[99999999999]", 2)]
    [InlineData("a\"b", 1)]
    public void Errors_say_where(string text, int position)
    {
        var error = Assert.Throws<FieldPathException>(() => FieldPath.Parse(text));

        Assert.Equal(position, error.Position);
        Assert.Contains($"position {position}", error.Message);
        Assert.False(FieldPath.TryParse(text, out var path));
        Assert.Null(path);
    }

    [Fact]
    public void Overlong_paths_are_refused()
    {
        Assert.Equal(FieldPath.MaxLength, Assert.Throws<FieldPathException>(() => FieldPath.Parse(new string('a', FieldPath.MaxLength + 1))).Position);
        var deep = string.Join('.', Enumerable.Repeat("a", FieldPath.MaxSegments + 1));
        Assert.Throws<FieldPathException>(() => FieldPath.Parse(deep));
        Assert.Equal(FieldPath.MaxSegments, FieldPath.Parse(string.Join('.', Enumerable.Repeat("a", FieldPath.MaxSegments))).Segments.Length);
    }

    [Fact]
    public void TryParse_accepts_valid_and_null_is_false()
    {
        Assert.True(FieldPath.TryParse("a.b", out var path));
        Assert.Equal(2, path.Segments.Length);
        Assert.False(FieldPath.TryParse(null, out _));
    }
}
