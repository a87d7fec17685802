namespace Automation.Core.Rules.Templates;

/// <summary>A `{{ name }}` replaced when the action is rendered.</summary>
/// <param name="Offset">Where the `{{` starts in the template text (0-based), for error positions.</param>
public sealed record VariablePart(TemplateVariable Variable, int Offset) : TemplatePart;
