using Automation.Core.Logs;

namespace Automation.Core.Rules;

/// <summary>N matches within a window, counted separately for each combination of the group_by fields.</summary>
public sealed record Threshold(int Count, TimeSpan Within, IReadOnlyList<FieldPath> GroupBy);
