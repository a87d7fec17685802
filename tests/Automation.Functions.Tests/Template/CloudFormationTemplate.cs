using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// template.yaml read through YamlDotNet's representation model, which keeps CloudFormation's short-form tags
/// (<c>!Ref</c>, <c>!Sub</c>, <c>!If</c>, ...) on the nodes instead of failing on them, so intrinsic functions can be
/// checked in both their short form and their long form (<c>Ref:</c>, <c>Fn::Sub:</c>, ...).
/// </summary>
internal sealed partial class CloudFormationTemplate
{
    /// <summary>Pseudo parameters CloudFormation defines in every stack.</summary>
    public static readonly IReadOnlySet<string> PseudoParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
        "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
    };

    private CloudFormationTemplate(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public YamlMappingNode Parameters => Section("Parameters");

    public YamlMappingNode Resources => Section("Resources");

    public YamlMappingNode Conditions => Section("Conditions");

    public YamlMappingNode Globals => Section("Globals");

    public static CloudFormationTemplate Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return new CloudFormationTemplate((YamlMappingNode)stream.Documents.Single().RootNode);
    }

    public YamlMappingNode Section(string name) =>
        Child(Root, name) as YamlMappingNode ?? new YamlMappingNode();

    /// <summary>Logical ids of the resources of one type, in template order.</summary>
    public IReadOnlyList<string> ResourcesOfType(string type) =>
        [.. Resources.Children
            .Where(entry => Scalar(Child((YamlMappingNode)entry.Value, "Type")) == type)
            .Select(entry => Scalar(entry.Key)!)];

    public YamlMappingNode Resource(string logicalId) => (YamlMappingNode)Resources[logicalId];

    public YamlMappingNode Properties(string logicalId) =>
        Child(Resource(logicalId), "Properties") as YamlMappingNode ?? new YamlMappingNode();

    /// <summary>A function property, falling back to Globals.Function as SAM does.</summary>
    public YamlNode? FunctionProperty(string logicalId, string name) =>
        Child(Properties(logicalId), name) ?? Child(Child(Globals, "Function") as YamlMappingNode, name);

    /// <summary>
    /// Names SAM creates beside a serverless function and that the template may reference: the execution role
    /// <c>&lt;Function&gt;Role</c> when the function does not bring its own role.
    /// </summary>
    public IEnumerable<string> SamGeneratedNames() =>
        ResourcesOfType("AWS::Serverless::Function")
            .Where(id => Child(Properties(id), "Role") is null)
            .Select(id => id + "Role");

    public static YamlNode? Child(YamlMappingNode? mapping, string key) =>
        mapping is not null && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    /// <summary>What a Ref or GetAtt names, in short or long form (GetAtt as "Resource.Attribute"); asserts which of the two it is.</summary>
    public static string Referenced(YamlNode node, string function)
    {
        var (name, argument) = Intrinsic(node) ?? throw new InvalidDataException($"not an intrinsic: {node}");
        Assert.Equal(function, name);
        return argument is YamlSequenceNode parts ? string.Join('.', parts.Children.Select(Scalar)) : Scalar(argument)!;
    }

    public static string TagOf(YamlNode node) => node.Tag.IsEmpty ? "" : node.Tag.Value;

    /// <summary>
    /// The intrinsic function a node is, in short form (<c>!If [..]</c>) or long form (<c>{"Fn::If": [..]}</c>):
    /// its name without prefix ("Ref", "If", "Sub", ...) and its argument node. Null for a plain node.
    /// </summary>
    public static (string Name, YamlNode Argument)? Intrinsic(YamlNode node)
    {
        var tag = TagOf(node);
        if (tag.StartsWith('!'))
        {
            return (tag[1..], node);
        }
        if (node is YamlMappingNode { Children.Count: 1 } mapping)
        {
            var (key, value) = mapping.Children.Single();
            var name = Scalar(key);
            if (name == "Ref" || name == "Condition")
            {
                return (name, value);
            }
            if (name is not null && name.StartsWith("Fn::", StringComparison.Ordinal))
            {
                return (name["Fn::".Length..], value);
            }
        }
        return null;
    }

    /// <summary>Every node of the document, depth first, with a readable path for failure messages.</summary>
    public IEnumerable<(string Path, YamlNode Node)> Walk() => Walk(Root, "");

    private static IEnumerable<(string Path, YamlNode Node)> Walk(YamlNode node, string path)
    {
        yield return (path, node);
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    foreach (var inner in Walk(value, path + "/" + Scalar(key)))
                    {
                        yield return inner;
                    }
                }
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    foreach (var inner in Walk(sequence.Children[i], path + "/" + i))
                    {
                        yield return inner;
                    }
                }
                break;
        }
    }

    /// <summary>
    /// Every name the template refers to: Ref, GetAtt (the resource part), ${Name} and ${Name.Attr} in Sub strings
    /// (less the Sub's own variables and ${!Literal}), and conditions named by If, Condition and resource
    /// <c>Condition:</c> attributes.
    /// </summary>
    public IReadOnlyList<TemplateReference> References()
    {
        var references = new List<TemplateReference>();
        foreach (var (path, node) in Walk())
        {
            if (Intrinsic(node) is not { } intrinsic)
            {
                continue;
            }
            switch (intrinsic.Name)
            {
                case "Ref":
                    references.Add(new TemplateReference("Ref", RequireScalar(intrinsic.Argument, path), path));
                    break;
                case "GetAtt":
                    var target = intrinsic.Argument is YamlSequenceNode pair
                        ? RequireScalar(pair.Children[0], path)
                        : RequireScalar(intrinsic.Argument, path).Split('.')[0];
                    references.Add(new TemplateReference("GetAtt", target, path));
                    break;
                case "Sub":
                    references.AddRange(SubReferences(intrinsic.Argument, path));
                    break;
                case "If":
                    references.Add(new TemplateReference(
                        "Condition", RequireScalar(((YamlSequenceNode)intrinsic.Argument).Children[0], path), path));
                    break;
                case "Condition":
                    references.Add(new TemplateReference("Condition", RequireScalar(intrinsic.Argument, path), path));
                    break;
            }
        }
        foreach (var section in new[] { "Resources", "Outputs" })
        {
            foreach (var (key, value) in Section(section).Children)
            {
                if (Scalar(Child(value as YamlMappingNode, "Condition")) is { } condition)
                {
                    references.Add(new TemplateReference("Condition", condition, $"/{section}/{Scalar(key)}/Condition"));
                }
            }
        }
        return references;
    }

    private static IEnumerable<TemplateReference> SubReferences(YamlNode argument, string path)
    {
        string text;
        var ownVariables = new HashSet<string>(StringComparer.Ordinal);
        if (argument is YamlSequenceNode withVariables)
        {
            text = RequireScalar(withVariables.Children[0], path);
            if (withVariables.Children.Count > 1 && withVariables.Children[1] is YamlMappingNode variables)
            {
                ownVariables.UnionWith(variables.Children.Keys.Select(key => Scalar(key)!));
            }
        }
        else
        {
            text = RequireScalar(argument, path);
        }
        foreach (Match match in SubVariable().Matches(text))
        {
            var name = match.Groups["name"].Value;
            if (name.StartsWith('!') || ownVariables.Contains(name))
            {
                continue;
            }
            // ${Resource.Attribute} names a resource; ${AWS::Region} is a pseudo parameter.
            var target = name.Contains("::", StringComparison.Ordinal) ? name : name.Split('.')[0];
            yield return new TemplateReference("Sub", target, path);
        }
    }

    private static string RequireScalar(YamlNode node, string path) =>
        Scalar(node) ?? throw new InvalidDataException($"expected a plain name at {path}, found {node.NodeType}");

    [GeneratedRegex(@"\$\{(?<name>[^}]+)\}")]
    private static partial Regex SubVariable();
}
