using System.Text.RegularExpressions;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// How a rule's <c>regex:</c> is compiled, in one place so validation (the rules loader) and matching agree:
/// .NET syntax, <see cref="RegexOptions.NonBacktracking"/> so no pattern can hang a batch (its run time is linear in
/// the input), culture-invariant. NonBacktracking rejects lookarounds, backreferences, atomic groups and
/// conditionals with <see cref="NotSupportedException"/>; a bad pattern throws <see cref="ArgumentException"/>.
/// </summary>
internal static class RuleRegexes
{
    public static RegexOptions Options(bool ignoreCase) =>
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);

    public static Regex Create(string pattern, bool ignoreCase) => new(pattern, Options(ignoreCase));
}
