using System.Globalization;
using System.Text;

namespace Automation.Core.Rules;

/// <summary>Writes a duration the way rules files write them: 90s → "1m30s", 2h → "2h".</summary>
public static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        Append(text, duration.Days, "d");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        if (duration.Milliseconds > 0)
        {
            Append(text, duration.Milliseconds, "ms");
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, int value, string unit)
    {
        if (value > 0)
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
