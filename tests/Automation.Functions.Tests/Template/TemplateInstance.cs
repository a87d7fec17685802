using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// template.yaml as CloudFormation sees it for one set of parameter values, as far as conditions go: Fn::If picks its
/// branch (Equals, Not, And, Or and Condition evaluated as CloudFormation does), Ref of a parameter becomes its value,
/// and Ref AWS::NoValue removes the property or list element. Other intrinsics (Sub, GetAtt, Select, ...) stay as
/// written. Enough to ask "with these parameters, what may this role do and what is this function told?".
/// </summary>
internal sealed class TemplateInstance
{
    private readonly CloudFormationTemplate _template;
    private readonly IReadOnlyDictionary<string, string> _parameters;

    public TemplateInstance(CloudFormationTemplate template, IReadOnlyDictionary<string, string> parameters)
    {
        _template = template;
        _parameters = parameters;
    }

    public bool Condition(string name)
    {
        var definition = Child(_template.Conditions, name) ?? throw new InvalidDataException($"no condition {name}");
        return Evaluate(definition);
    }

    /// <summary>The IAM statements of a function's inline policies, resolved.</summary>
    public IReadOnlyList<YamlMappingNode> Statements(string function) =>
        [.. (Resolve(Child(_template.Properties(function), "Policies")!) as YamlSequenceNode)!.Children
            .OfType<YamlMappingNode>()
            .Select(policy => Child(policy, "Statement"))
            .OfType<YamlSequenceNode>()
            .SelectMany(statements => statements.Children.Cast<YamlMappingNode>())];

    /// <summary>A function's environment variables, resolved: Globals.Function's, overridden by the function's own.</summary>
    public IReadOnlyDictionary<string, YamlNode> Environment(string function)
    {
        var variables = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var owner in new[] { Child(_template.Globals, "Function") as YamlMappingNode, _template.Properties(function) })
        {
            if (Child(Child(owner, "Environment") as YamlMappingNode, "Variables") is YamlMappingNode declared)
            {
                foreach (var (key, value) in declared.Children)
                {
                    if (Resolve(value) is { } resolved)
                    {
                        variables[Scalar(key)!] = resolved;
                    }
                    else
                    {
                        variables.Remove(Scalar(key)!);
                    }
                }
            }
        }
        return variables;
    }

    /// <summary>A function property (falling back to Globals.Function, as SAM does), resolved; null when absent.</summary>
    public YamlNode? FunctionProperty(string function, string name) =>
        _template.FunctionProperty(function, name) is { } node ? Resolve(node) : null;

    /// <summary>The node with conditions applied; null for AWS::NoValue.</summary>
    public YamlNode? Resolve(YamlNode node)
    {
        switch (Intrinsic(node))
        {
            case ("If", YamlSequenceNode arguments):
                return Resolve(Condition(Scalar(arguments.Children[0])!) ? arguments.Children[1] : arguments.Children[2]);
            case ("Ref", var argument) when Scalar(argument) == "AWS::NoValue":
                return null;
            case ("Ref", var argument) when Child(_template.Parameters, Scalar(argument)!) is not null:
                return new YamlScalarNode(Parameter(Scalar(argument)!));
        }
        switch (node)
        {
            case YamlMappingNode mapping:
                var resolvedMapping = new YamlMappingNode { Tag = mapping.Tag };
                foreach (var (key, value) in mapping.Children)
                {
                    if (Resolve(value) is { } resolved)
                    {
                        resolvedMapping.Add(key, resolved);
                    }
                }
                return resolvedMapping;
            case YamlSequenceNode sequence:
                var resolvedSequence = new YamlSequenceNode { Tag = sequence.Tag };
                foreach (var item in sequence.Children)
                {
                    if (Resolve(item) is { } resolved)
                    {
                        resolvedSequence.Add(resolved);
                    }
                }
                return resolvedSequence;
            default:
                return node;
        }
    }

    private string Parameter(string name) =>
        _parameters.TryGetValue(name, out var value)
            ? value
            : Scalar(Child((YamlMappingNode)_template.Parameters[name], "Default"))
              ?? throw new InvalidDataException($"parameter {name} has no default: give it a value");

    private bool Evaluate(YamlNode node)
    {
        var (name, argument) = Intrinsic(node) ?? throw new InvalidDataException("a condition must be a condition function");
        var arguments = argument as YamlSequenceNode;
        return name switch
        {
            "Equals" => Value(arguments!.Children[0]) == Value(arguments.Children[1]),
            "Not" => !Evaluate(arguments!.Children.Single()),
            "And" => arguments!.Children.All(Evaluate),
            "Or" => arguments!.Children.Any(Evaluate),
            "Condition" => Condition(Scalar(argument)!),
            _ => throw new InvalidDataException($"{name} is not a condition function"),
        };
    }

    private string Value(YamlNode node) =>
        Scalar(Resolve(node)) ?? throw new InvalidDataException("Equals compares plain values or parameters");
}
