using Automation.Core.Aws.Secrets;
using Automation.Core.Notify;
using Automation.Core.Telemetry;
using Automation.LogForwarder;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// The notification wiring of template.yaml (docs/notify.md): the two action functions are told the webhook secret
/// and the queue URL, built from the queue's ARN, and may read exactly that secret and send to exactly that queue,
/// only when the parameters are given; the forwarder never notifies.
/// </summary>
public sealed class NotifyTemplateTests
{
    private const string KafkaClusterArn = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs/00000000-0000-0000-0000-000000000000-1";
    private const string WebhookSecretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:notify/webhook-Ab12Cd";
    private const string QueueArn = "arn:aws:sqs:eu-west-1:123456789012:team-notices.fifo";
    private const string QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/team-notices.fifo";
    private const string SecretsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string QueueKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/9876fedc-12ab-34cd-56ef-1234567890ab";

    private static readonly string[] Notifying = [PodRestartFunction.LogicalId, RollbackFunction.LogicalId];

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void The_action_functions_declare_the_webhook_secret_and_the_forwarder_does_not()
    {
        Assert.Contains(Notifier.WebhookSecretVariable, PodRestartFunction.Definition.SecretVariables);
        Assert.Contains(Notifier.WebhookSecretVariable, RollbackFunction.Definition.SecretVariables);
        Assert.DoesNotContain(Notifier.WebhookSecretVariable, LogForwarderFunction.Definition.SecretVariables);
        foreach (var parameter in new[] { "NotifyWebhookSecretArn", "NotifyQueueArn", "NotifyQueueKmsKeyArn" })
        {
            Assert.Equal("", Scalar(Child((YamlMappingNode)_template.Parameters[parameter], "Default")));
        }
    }

    [Fact]
    public void Without_the_parameters_no_function_is_told_or_allowed_anything_about_notifications()
    {
        var instance = Instance(new Dictionary<string, string>());

        foreach (var function in Notifying.Append(LogForwarderFunction.LogicalId))
        {
            var environment = instance.Environment(function);
            Assert.False(environment.ContainsKey(Notifier.WebhookSecretVariable));
            Assert.False(environment.ContainsKey(Notifier.QueueUrlVariable));
            Assert.DoesNotContain(Sids(instance, function), s => s.StartsWith("Notify", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_webhook_secret_is_told_to_and_readable_by_exactly_the_two_action_functions()
    {
        var instance = Instance(new Dictionary<string, string> { ["NotifyWebhookSecretArn"] = WebhookSecretArn });

        foreach (var function in Notifying)
        {
            Assert.Equal(WebhookSecretArn, Scalar(instance.Environment(function)[Notifier.WebhookSecretVariable]));
            var statement = Assert.Single(instance.Statements(function), s => Scalar(Child(s, "Sid")) == "NotifyWebhookSecret");
            Assert.Equal("secretsmanager:GetSecretValue", Scalar(Child(statement, "Action")));
            Assert.Equal(WebhookSecretArn, Scalar(Child(statement, "Resource")));
        }
        Assert.False(instance.Environment(LogForwarderFunction.LogicalId).ContainsKey(Notifier.WebhookSecretVariable));
        Assert.DoesNotContain("NotifyWebhookSecret", Sids(instance, LogForwarderFunction.LogicalId));
    }

    [Fact]
    public void The_queue_url_is_built_from_the_arn_and_only_sending_to_that_queue_is_allowed()
    {
        var instance = Instance(new Dictionary<string, string> { ["NotifyQueueArn"] = QueueArn });

        foreach (var function in Notifying)
        {
            var url = Substitute(instance.Environment(function)[Notifier.QueueUrlVariable]);
            Assert.Equal(QueueUrl, url);
            var statement = Assert.Single(instance.Statements(function), s => Scalar(Child(s, "Sid")) == "NotifyQueue");
            Assert.Equal("sqs:SendMessage", Scalar(Child(statement, "Action")));
            Assert.Equal(QueueArn, Scalar(Child(statement, "Resource")));
            Assert.DoesNotContain("NotifyQueueKmsKey", Sids(instance, function));

            // The URL the template sets is one the notifier takes, and it signs for the queue's region.
            var environment = new Dictionary<string, string> { [Notifier.QueueUrlVariable] = url };
            var notifier = Notifier.FromEnvironment(n => environment.GetValueOrDefault(n), FunctionSecrets.None, TimeProvider.System, new JsonLog(TextWriter.Null, TimeProvider.System));
            Assert.Equal(["sqs"], notifier!.Channels);
            Assert.Equal("eu-west-1", Notifier.SqsConfig(_ => null, new Uri(url)).RegionEndpoint?.SystemName);
        }
        Assert.False(instance.Environment(LogForwarderFunction.LogicalId).ContainsKey(Notifier.QueueUrlVariable));
        Assert.DoesNotContain("NotifyQueue", Sids(instance, LogForwarderFunction.LogicalId));
    }

    [Fact]
    public void The_queue_key_may_encrypt_for_sqs_only_and_only_with_a_queue()
    {
        var keyOnly = Instance(new Dictionary<string, string> { ["NotifyQueueKmsKeyArn"] = QueueKeyArn });
        var withQueue = Instance(new Dictionary<string, string> { ["NotifyQueueKmsKeyArn"] = QueueKeyArn, ["NotifyQueueArn"] = QueueArn });

        foreach (var function in Notifying)
        {
            Assert.DoesNotContain("NotifyQueueKmsKey", Sids(keyOnly, function));
            var statement = Assert.Single(withQueue.Statements(function), s => Scalar(Child(s, "Sid")) == "NotifyQueueKmsKey");
            Assert.Equal(["kms:GenerateDataKey", "kms:Decrypt"], ((YamlSequenceNode)Child(statement, "Action")!).Children.Select(Scalar));
            Assert.Equal(QueueKeyArn, Scalar(Child(statement, "Resource")));
            var viaService = Child(Child(Child(statement, "Condition") as YamlMappingNode, "StringEquals") as YamlMappingNode, "kms:ViaService");
            Assert.Equal(("Sub", "sqs.${AWS::Region}.amazonaws.com"), Intrinsic(viaService!) is { } sub ? (sub.Name, Scalar(sub.Argument)) : default);
        }
    }

    [Fact]
    public void The_secrets_key_may_decrypt_the_webhook_secret_for_the_action_functions()
    {
        var instance = Instance(new Dictionary<string, string> { ["NotifyWebhookSecretArn"] = WebhookSecretArn, ["SecretsKmsKeyArn"] = SecretsKeyArn });

        foreach (var function in Notifying)
        {
            var statement = Assert.Single(instance.Statements(function), s => Scalar(Child(s, "Sid")) == "SecretsKmsKey");
            Assert.Equal("kms:Decrypt", Scalar(Child(statement, "Action")));
            Assert.Equal(SecretsKeyArn, Scalar(Child(statement, "Resource")));
        }
        Assert.DoesNotContain("SecretsKmsKey", Sids(instance, LogForwarderFunction.LogicalId));
    }

    private TemplateInstance Instance(Dictionary<string, string> parameters)
    {
        parameters["KafkaClusterArn"] = KafkaClusterArn;
        return new TemplateInstance(_template, parameters);
    }

    private static List<string> Sids(TemplateInstance instance, string function) =>
        [.. instance.Statements(function).Select(s => Scalar(Child(s, "Sid")) ?? "")];

    /// <summary>Evaluates the one shape the queue URL uses: Fn::Sub [text, {Name: Fn::Select [i, Fn::Split [":", value]]}].</summary>
    private static string Substitute(YamlNode node)
    {
        var (name, argument) = Intrinsic(node) ?? throw new InvalidDataException("NOTIFY_QUEUE_URL is not an intrinsic");
        Assert.Equal("Sub", name);
        var arguments = (YamlSequenceNode)argument;
        var text = Scalar(arguments.Children[0])!.Replace("${AWS::URLSuffix}", "amazonaws.com", StringComparison.Ordinal);
        foreach (var (key, value) in ((YamlMappingNode)arguments.Children[1]).Children)
        {
            var (select, selectArguments) = Intrinsic(value)!.Value;
            Assert.Equal("Select", select);
            var index = int.Parse(Scalar(((YamlSequenceNode)selectArguments).Children[0])!, System.Globalization.CultureInfo.InvariantCulture);
            var (split, splitArguments) = Intrinsic(((YamlSequenceNode)selectArguments).Children[1])!.Value;
            Assert.Equal("Split", split);
            var parts = (YamlSequenceNode)splitArguments;
            var pieces = Scalar(parts.Children[1])!.Split(Scalar(parts.Children[0])!);
            text = text.Replace("${" + Scalar(key) + "}", pieces[index], StringComparison.Ordinal);
        }
        Assert.DoesNotContain("${", text, StringComparison.Ordinal);
        return text;
    }
}
