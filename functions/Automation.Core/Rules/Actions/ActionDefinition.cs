namespace Automation.Core.Rules.Actions;

/// <summary>An action type of the catalog: its name in rules files, the function that executes it, its parameters.</summary>
/// <param name="Function">The logical id of the function that owns it (as in template.yaml), e.g. PodRestartFunction.</param>
public sealed record ActionDefinition(string Type, string Function, string Description, IReadOnlyList<ActionParameter> Parameters)
{
    public ActionParameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}
