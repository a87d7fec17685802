using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Core.Rules.Loading;

/// <summary>
/// Durations as rules files write them: whole numbers with a unit, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, and
/// combinations in that order of units, largest first, each at most once: <c>1h30m</c>, <c>1d12h</c>.
/// </summary>
internal static partial class Durations
{
    /// <summary>Longer than any window or cooldown has a use for; keeps the arithmetic far from overflow.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(366);

    public const string Help = "write a whole number and a unit, e.g. 30s, 2m, 1h, 1d, or combined like 1h30m (units d, h, m, s, largest first)";

    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        var match = Pattern().Match(text);
        if (text.Length == 0 || !match.Success)
        {
            error = $"'{text}' is not a duration: {Help}";
            return false;
        }

        long seconds = 0;
        ReadOnlySpan<(string Group, long Seconds)> units = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];
        foreach (var (group, unitSeconds) in units)
        {
            var digits = match.Groups[group];
            if (!digits.Success)
            {
                continue;
            }
            // Up to 9 digits per unit (the pattern bounds it), so the sum stays far inside a long.
            seconds += long.Parse(digits.ValueSpan, CultureInfo.InvariantCulture) * unitSeconds;
        }

        if (seconds == 0)
        {
            error = $"'{text}' must be longer than zero";
            return false;
        }
        if (seconds > (long)Max.TotalSeconds)
        {
            error = $"'{text}' is longer than {Max.TotalDays:0} days";
            return false;
        }
        value = TimeSpan.FromSeconds(seconds);
        error = null;
        return true;
    }

    /// <summary>The shortest text that parses back to <paramref name="value"/> (whole seconds), e.g. 1h30m.</summary>
    public static string Format(TimeSpan value)
    {
        var seconds = (long)value.TotalSeconds;
        if (seconds <= 0)
        {
            return "0s";
        }
        var text = new StringBuilder();
        Append(text, seconds / 86_400, 'd');
        Append(text, seconds % 86_400 / 3_600, 'h');
        Append(text, seconds % 3_600 / 60, 'm');
        Append(text, seconds % 60, 's');
        return text.ToString();

        static void Append(StringBuilder text, long amount, char unit)
        {
            if (amount > 0)
            {
                text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }

    [GeneratedRegex(@"^(?:(?<d>[0-9]{1,9})d)?(?:(?<h>[0-9]{1,9})h)?(?:(?<m>[0-9]{1,9})m)?(?:(?<s>[0-9]{1,9})s)?\z", RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();
}
