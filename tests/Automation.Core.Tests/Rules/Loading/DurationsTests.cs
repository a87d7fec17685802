using Automation.Core.Rules.Loading;

namespace Automation.Core.Tests.Rules.Loading;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3_600)]
    [InlineData("1d", 86_400)]
    [InlineData("1h30m", 5_400)]
    [InlineData("1d2h3m4s", 93_784)]
    [InlineData("90s", 90)]
    [InlineData("0h5m", 300)]
    [InlineData("366d", 31_622_400)]
    public void Durations_parse(string text, long seconds)
    {
        Assert.True(Durations.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("", "is not a duration")]
    [InlineData("s", "is not a duration")]
    [InlineData("5", "is not a duration")]
    [InlineData("5ms", "is not a duration")]
    [InlineData("1m1h", "is not a duration")]
    [InlineData(" 5m", "is not a duration")]
    [InlineData("5m ", "is not a duration")]
    [InlineData("1234567890s", "is not a duration")]
    [InlineData("0s", "must be longer than zero")]
    [InlineData("367d", "is longer than 366 days")]
    [InlineData("999999999d", "is longer than 366 days")]
    public void Bad_durations_say_why(string text, string gist)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.Contains(gist, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, "30s")]
    [InlineData(5_400, "1h30m")]
    [InlineData(93_784, "1d2h3m4s")]
    [InlineData(86_400, "1d")]
    public void Durations_format_back_to_the_shortest_text(long seconds, string text)
    {
        Assert.Equal(text, Durations.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(Durations.TryParse(text, out var parsed, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }
}
