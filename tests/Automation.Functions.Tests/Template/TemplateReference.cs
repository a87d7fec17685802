namespace Automation.Functions.Tests.Template;

/// <summary>One name the template refers to: through which function (Ref, GetAtt, Sub, Condition), and where.</summary>
internal sealed record TemplateReference(string Function, string Name, string Path);
