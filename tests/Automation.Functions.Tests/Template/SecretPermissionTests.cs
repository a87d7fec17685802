using Automation.Core.Aws.Secrets;
using Automation.Core.Notify;
using Automation.LogForwarder;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// The secrets wiring of template.yaml, evaluated for concrete parameter values: each function is told its own
/// secret and may read exactly that secret (and decrypt it with the given KMS key), nothing when the parameter is
/// empty, and the Secrets extension is added to every function only when its layer is given.
/// </summary>
public sealed class SecretPermissionTests
{
    private const string KafkaClusterArn = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs/00000000-0000-0000-0000-000000000000-1";
    private const string ScramArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_logs-a1B2c3";
    private const string KeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string LayerArn = "arn:aws:lambda:eu-west-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12";

    /// <summary>Each function, the variable its code reads its secret from, and the template parameter that sets it.</summary>
    private static readonly (string Function, string Variable, string Parameter)[] OwnSecrets =
    [
        (PodRestartFunction.LogicalId, PodRestartFunction.KubeconfigSecretVariable, "KubeconfigSecretArn"),
        (RollbackFunction.LogicalId, RollbackFunction.GitHubSecretVariable, "GitHubSecretArn"),
        (LogForwarderFunction.LogicalId, LogForwarderFunction.OpenSearchSecretVariable, "OpenSearchSecretArn"),
    ];

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    public static TheoryData<string[]> SecretParameterSets() =>
    [
        [],
        ["KubeconfigSecretArn"],
        ["GitHubSecretArn"],
        ["OpenSearchSecretArn"],
        ["KubeconfigSecretArn", "GitHubSecretArn", "OpenSearchSecretArn"],
    ];

    [Fact]
    public void Every_secret_variable_a_function_declares_has_its_template_parameter()
    {
        // The notify webhook's secret is shared by two functions: NotifyTemplateTests covers it.
        var declared = new[] { PodRestartFunction.Definition, RollbackFunction.Definition, LogForwarderFunction.Definition }
            .SelectMany(d => d.SecretVariables.Where(v => v != Notifier.WebhookSecretVariable).Select(v => (d.Name, v)));
        Assert.Equal(OwnSecrets.Select(s => (s.Function, s.Variable)), declared);
        Assert.All(OwnSecrets, s => Assert.NotNull(Child(_template.Parameters, s.Parameter)));
        Assert.All(OwnSecrets, s => Assert.Equal("", Scalar(Child((YamlMappingNode)_template.Parameters[s.Parameter], "Default"))));
    }

    [Theory]
    [MemberData(nameof(SecretParameterSets))]
    public void Each_function_reads_exactly_its_own_secret_and_only_when_it_is_given(string[] given)
    {
        var instance = Instance(given.ToDictionary(p => p, SecretArn));

        foreach (var (function, variable, parameter) in OwnSecrets)
        {
            var expected = given.Contains(parameter) ? new[] { SecretArn(parameter) } : [];
            Assert.Equal(expected, SecretResources(instance, function));

            var environment = instance.Environment(function);
            Assert.Equal(expected, environment.TryGetValue(variable, out var value) ? [Scalar(value)!] : Array.Empty<string>());
            // No function is told another function's secret.
            Assert.All(OwnSecrets.Where(s => s.Function != function), other => Assert.False(environment.ContainsKey(other.Variable)));
            Assert.Empty(Statements(instance, function, "kms:"));
        }
    }

    [Fact]
    public void The_grant_is_GetSecretValue_only_on_the_ARN_as_given()
    {
        var instance = Instance(OwnSecrets.ToDictionary(s => s.Parameter, s => SecretArn(s.Parameter)));

        foreach (var (function, _, parameter) in OwnSecrets)
        {
            var statement = Assert.Single(Statements(instance, function, "secretsmanager:"));
            Assert.Equal("Allow", Scalar(Child(statement, "Effect")));
            Assert.Equal("secretsmanager:GetSecretValue", Scalar(Child(statement, "Action")));
            Assert.Equal(SecretArn(parameter), Scalar(Child(statement, "Resource")));
            Assert.Null(Child(statement, "NotResource"));
        }
    }

    [Fact]
    public void With_SCRAM_every_role_also_reads_the_SCRAM_secret_and_nothing_else()
    {
        var instance = Instance(new Dictionary<string, string>
        {
            ["KafkaAuth"] = "SASL_SCRAM_512",
            ["ScramSecretArn"] = ScramArn,
            ["GitHubSecretArn"] = SecretArn("GitHubSecretArn"),
        });

        Assert.Equal([ScramArn], SecretResources(instance, PodRestartFunction.LogicalId));
        Assert.Equal([ScramArn, SecretArn("GitHubSecretArn")], SecretResources(instance, RollbackFunction.LogicalId));
        Assert.Equal([ScramArn], SecretResources(instance, LogForwarderFunction.LogicalId));
    }

    public static TheoryData<string[], bool, string[]> KmsCases() => new()
    {
        // secrets given, SCRAM on, the functions that may decrypt
        { [], false, [] },
        { ["GitHubSecretArn"], false, [RollbackFunction.LogicalId] },
        { ["KubeconfigSecretArn", "OpenSearchSecretArn"], false, [PodRestartFunction.LogicalId, LogForwarderFunction.LogicalId] },
        { [], true, [PodRestartFunction.LogicalId, RollbackFunction.LogicalId, LogForwarderFunction.LogicalId] },
    };

    [Theory]
    [MemberData(nameof(KmsCases))]
    public void A_customer_managed_key_may_be_used_by_the_roles_that_read_a_secret_through_Secrets_Manager_only(
        string[] given, bool scram, string[] decrypting)
    {
        var parameters = given.ToDictionary(p => p, SecretArn);
        if (scram)
        {
            parameters["KafkaAuth"] = "SASL_SCRAM_512";
            parameters["ScramSecretArn"] = ScramArn;
        }
        var withoutKey = Instance(parameters);
        parameters["SecretsKmsKeyArn"] = KeyArn;
        var withKey = Instance(parameters);

        foreach (var (function, _, _) in OwnSecrets)
        {
            Assert.Empty(Statements(withoutKey, function, "kms:"));
            var statements = Statements(withKey, function, "kms:");
            if (!decrypting.Contains(function))
            {
                Assert.Empty(statements);
                continue;
            }
            var statement = Assert.Single(statements);
            Assert.Equal("Allow", Scalar(Child(statement, "Effect")));
            Assert.Equal("kms:Decrypt", Scalar(Child(statement, "Action")));
            Assert.Equal(KeyArn, Scalar(Child(statement, "Resource")));
            var viaService = Child(Child(Child(statement, "Condition") as YamlMappingNode, "StringEquals") as YamlMappingNode, "kms:ViaService");
            Assert.Equal(("Sub", "secretsmanager.${AWS::Region}.amazonaws.com"), Intrinsic(viaService!) is { } sub ? (sub.Name, Scalar(sub.Argument)) : default);
        }
    }

    [Fact]
    public void The_extension_layer_and_its_port_are_added_to_every_function_only_when_the_layer_is_given()
    {
        var without = Instance(new Dictionary<string, string>());
        var with = Instance(new Dictionary<string, string> { ["SecretsExtensionLayerArn"] = LayerArn });

        foreach (var (function, _, _) in OwnSecrets)
        {
            Assert.Null(without.FunctionProperty(function, "Layers"));
            Assert.False(without.Environment(function).ContainsKey("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"));

            var layers = Assert.IsType<YamlSequenceNode>(with.FunctionProperty(function, "Layers"));
            Assert.Equal([LayerArn], layers.Children.Select(Scalar));

            // The port the template sets is the one the client then calls.
            var environment = with.Environment(function).ToDictionary(v => v.Key, v => Scalar(v.Value));
            environment["AWS_REGION"] = "eu-west-1";
            var options = SecretsManagerClientOptions.FromEnvironment(name => environment.GetValueOrDefault(name));
            Assert.Equal(new Uri("http://localhost:2773"), options.ExtensionEndpoint);
        }
    }

    private TemplateInstance Instance(IReadOnlyDictionary<string, string> parameters)
    {
        var all = new Dictionary<string, string>(parameters) { ["KafkaClusterArn"] = KafkaClusterArn };
        return new TemplateInstance(_template, all);
    }

    /// <summary>A complete secret ARN per parameter (the template's pattern wants the six-character suffix).</summary>
    private static string SecretArn(string parameter) =>
        $"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/{parameter.ToLowerInvariant()}-Ab12Cd";

    /// <summary>Every resource of every statement that allows a secretsmanager: action, in template order.</summary>
    private static List<string> SecretResources(TemplateInstance instance, string function) =>
        [.. Statements(instance, function, "secretsmanager:").SelectMany(statement => Child(statement, "Resource") switch
        {
            YamlSequenceNode list => list.Children.Select(r => Scalar(r)!),
            var single => [Scalar(single) ?? throw new InvalidDataException($"{function}: a secret resource that is not a plain ARN")],
        })];

    private static List<YamlMappingNode> Statements(TemplateInstance instance, string function, string actionPrefix) =>
        [.. instance.Statements(function).Where(statement => Actions(statement).Any(a => a.StartsWith(actionPrefix, StringComparison.OrdinalIgnoreCase)))];

    private static IEnumerable<string> Actions(YamlMappingNode statement) =>
        Child(statement, "Action") switch
        {
            YamlSequenceNode list => list.Children.Select(a => Scalar(a)!),
            var single => [Scalar(single)!],
        };
}
