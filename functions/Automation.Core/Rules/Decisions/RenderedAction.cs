namespace Automation.Core.Rules.Decisions;

/// <summary>
/// An action with its templates filled in from the match. Values come from log records, which anyone who can write
/// to the cluster controls: the sink that executes the action validates them before use.
/// </summary>
/// <param name="Index">Position of the action in its rule (cooldowns are per action).</param>
/// <param name="Target">The rendered parameters as one stable text: the cooldown is per (rule, action, target).</param>
public sealed record RenderedAction(string Type, int Index, IReadOnlyDictionary<string, string> Parameters, string Target);
