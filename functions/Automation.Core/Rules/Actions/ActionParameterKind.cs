namespace Automation.Core.Rules.Actions;

/// <summary>What an action parameter's value must look like, checked when the rules are loaded.</summary>
public enum ActionParameterKind
{
    /// <summary>A template (literal text with `{{ variable }}` holes).</summary>
    Text,

    /// <summary>A template; when it has no holes it must be a whole number ≥ 0.</summary>
    NonNegativeInteger,

    /// <summary>A template; when it has no holes it must read <c>owner/name</c>.</summary>
    Repository,

    /// <summary>Literal text, one of <see cref="ActionParameter.AllowedValues"/> (no holes).</summary>
    Choice,

    /// <summary>
    /// A map of name → template. Flattened into the action's parameters as <c>&lt;parameter&gt;.&lt;name&gt;</c>
    /// (e.g. <c>inputs.version</c>), so every parameter stays one template.
    /// </summary>
    TemplateMap,

    /// <summary>
    /// A list of <see cref="ActionParameter.AllowedValues"/> (or one of them alone), each at most once; kept as one
    /// literal parameter, the values in the catalog's order joined by commas.
    /// </summary>
    ChoiceList,
}
