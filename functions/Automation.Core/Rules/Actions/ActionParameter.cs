using Automation.Core.Logs;

namespace Automation.Core.Rules.Actions;

/// <summary>One parameter an action type accepts.</summary>
/// <param name="AllowedValues">For <see cref="ActionParameterKind.Choice"/>: the values it may take; otherwise empty.</param>
/// <param name="DefaultField">
/// When the parameter is left out, the executor takes it from this field of the record that made the rule fire
/// (restart_pod's namespace and pod); null when there is no such default.
/// </param>
public sealed record ActionParameter(
    string Name,
    ActionParameterKind Kind,
    bool Required,
    string Description,
    IReadOnlyList<string> AllowedValues,
    FieldPath? DefaultField = null);
