using System.Text;
using Automation.Core.Actions;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// The newest matching lines of a decision's group, for the workflow's sample input: log text is whatever a pod
/// printed, so each line loses its control characters (ANSI escapes, CR, NUL...) and is cut to a fixed length.
/// </summary>
internal static class SampleLines
{
    public static string From(ActionRequest request, int lines, int maxLength)
    {
        var records = request.Decision.Records;
        var text = new StringBuilder();
        foreach (var index in records.Skip(Math.Max(0, records.Count - lines)))
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append(Clean(request.Batch.Logs[index].Message, maxLength));
        }
        return text.ToString();
    }

    /// <summary>Control characters become spaces (runs of them one space); cut at <paramref name="maxLength"/> with "…", never inside a surrogate pair.</summary>
    public static string Clean(string line, int maxLength)
    {
        var text = new StringBuilder(Math.Min(line.Length, maxLength));
        var lastWasSpace = false;
        foreach (var c in line)
        {
            if (char.IsControl(c))
            {
                if (!lastWasSpace)
                {
                    text.Append(' ');
                }
                lastWasSpace = true;
                continue;
            }
            text.Append(c);
            lastWasSpace = false;
        }
        var clean = text.ToString().Trim();
        if (clean.Length <= maxLength)
        {
            return clean;
        }
        var cut = maxLength - 1;
        if (char.IsHighSurrogate(clean[cut - 1]))
        {
            cut--;
        }
        return string.Concat(clean.AsSpan(0, cut), "…");
    }
}
