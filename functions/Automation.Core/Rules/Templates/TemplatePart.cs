namespace Automation.Core.Rules.Templates;

/// <summary>A piece of a template: literal text, or a `{{ variable }}`.</summary>
public abstract record TemplatePart;
