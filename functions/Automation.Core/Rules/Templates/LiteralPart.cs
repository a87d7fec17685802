namespace Automation.Core.Rules.Templates;

/// <summary>Text copied as it is.</summary>
public sealed record LiteralPart(string Text) : TemplatePart;
