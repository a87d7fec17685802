using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Rules.Actions;

namespace Automation.Core.Tests.Rules.Actions;

public sealed class ActionCatalogTests
{
    [Fact]
    public void Each_function_owns_its_action_types()
    {
        Assert.Equal(["restart_pod", "rollout_restart"], ActionCatalog.OwnedBy(ActionCatalog.PodRestartFunction).Select(t => t.Type));
        Assert.Equal(["github_workflow"], ActionCatalog.OwnedBy(ActionCatalog.RollbackFunction).Select(t => t.Type));
        Assert.Equal(["forward"], ActionCatalog.OwnedBy(ActionCatalog.LogForwarderFunction).Select(t => t.Type));
        Assert.Empty(ActionCatalog.OwnedBy("SomeOtherFunction"));
    }

    [Fact]
    public void Types_and_parameter_names_are_unique_and_type_is_no_parameter()
    {
        Assert.Equal(ActionCatalog.Types.Count, ActionCatalog.Types.Select(t => t.Type).Distinct().Count());
        foreach (var type in ActionCatalog.Types)
        {
            var names = type.Parameters.Select(p => p.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.DoesNotContain(ActionCatalog.TypeKey, names);
            Assert.All(type.Parameters, p => Assert.Equal(p.Kind is ActionParameterKind.Choice or ActionParameterKind.ChoiceList, p.AllowedValues.Count > 0));
            Assert.False(string.IsNullOrWhiteSpace(type.Description));
        }
    }

    [Fact]
    public void Find_knows_every_type_and_nothing_else()
    {
        Assert.Same(ActionCatalog.Types[2], ActionCatalog.Find(ActionCatalog.GitHubWorkflow));
        Assert.Null(ActionCatalog.Find("restart-pod"));
        Assert.Null(ActionCatalog.Find("RESTART_POD"));
    }

    [Fact]
    public void Restart_pod_defaults_its_target_from_the_record()
    {
        var restart = ActionCatalog.Find(ActionCatalog.RestartPod)!;

        Assert.Equal("kubernetes.namespace_name", restart.Parameter("namespace")?.DefaultField?.Text);
        Assert.Equal("kubernetes.pod_name", restart.Parameter("pod")?.DefaultField?.Text);
        Assert.All(restart.Parameters, p => Assert.False(p.Required));
        Assert.Null(restart.Parameter("workload"));
    }

    [Fact]
    public void Rollout_restart_defaults_its_namespace_and_pod_from_the_record()
    {
        var rollout = ActionCatalog.Find(ActionCatalog.RolloutRestart)!;

        Assert.Equal("kubernetes.namespace_name", rollout.Parameter("namespace")?.DefaultField?.Text);
        Assert.Equal("kubernetes.pod_name", rollout.Parameter("workload")?.DefaultField?.Text);
        Assert.All(rollout.Parameters, p => Assert.False(p.Required));
    }

    [Theory]
    [InlineData("ReplicaSet", "api-6c9d7f8b5", "6c9d7f8b5", "api")]
    [InlineData("ReplicaSet", "api-6c9d7f8b5", null, "api-6c9d7f8b5")]
    [InlineData("ReplicaSet", "api-6c9d7f8b5", "0000000000", "api-6c9d7f8b5")]
    [InlineData("StatefulSet", "db", "6c9d7f8b5", "db")]
    [InlineData("DaemonSet", "agent", null, "agent")]
    public void Without_workload_the_rollout_target_is_the_owner_the_record_names(string kind, string owner, string? hash, string expected)
    {
        var rollout = ActionCatalog.Find(ActionCatalog.RolloutRestart)!;
        var first = PodRecord("shop", $"{owner}-qx7tz", hash, (kind, owner));
        var second = PodRecord("shop", $"{owner}-m2k8d", hash, (kind, owner));

        Assert.Equal(expected, ActionCatalog.TargetDefault(ActionCatalog.RolloutRestart, rollout.Parameter("workload")!, first));
        Assert.Equal(expected, ActionCatalog.TargetDefault(ActionCatalog.RolloutRestart, rollout.Parameter("workload")!, second));
        Assert.Equal("shop", ActionCatalog.TargetDefault(ActionCatalog.RolloutRestart, rollout.Parameter("namespace")!, first));
    }

    [Fact]
    public void Without_an_owner_in_the_record_the_rollout_target_is_the_pod()
    {
        var rollout = ActionCatalog.Find(ActionCatalog.RolloutRestart)!;
        var record = PodRecord("shop", "api-6c9d7f8b5-qx7tz", "6c9d7f8b5", owner: null);

        Assert.Equal("api-6c9d7f8b5-qx7tz", ActionCatalog.TargetDefault(ActionCatalog.RolloutRestart, rollout.Parameter("workload")!, record));
        Assert.Null(ActionCatalog.TargetDefault(ActionCatalog.RolloutRestart, rollout.Parameter("kind")!, record));
    }

    [Fact]
    public void Restart_pod_targets_the_pod_even_when_the_record_names_its_owner()
    {
        var restart = ActionCatalog.Find(ActionCatalog.RestartPod)!;
        var record = PodRecord("shop", "api-6c9d7f8b5-qx7tz", "6c9d7f8b5", ("ReplicaSet", "api-6c9d7f8b5"));

        Assert.Equal("api-6c9d7f8b5-qx7tz", ActionCatalog.TargetDefault(ActionCatalog.RestartPod, restart.Parameter("pod")!, record));
    }

    private static LogRecord PodRecord(string ns, string pod, string? hash, (string Kind, string Name)? owner)
    {
        var labels = new JsonObject { ["app"] = "api" };
        if (hash is not null)
        {
            labels["pod-template-hash"] = hash;
        }
        var kubernetes = new JsonObject { ["pod_name"] = pod, ["namespace_name"] = ns, ["labels"] = labels };
        if (owner is { } o)
        {
            kubernetes["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = o.Kind, ["name"] = o.Name, ["controller"] = true });
        }
        var value = new JsonObject { ["log"] = "OutOfMemoryError", ["kubernetes"] = kubernetes }.ToJsonString();
        var output = new List<LogRecord>();
        new LogRecordParser().Parse(new KafkaRecord("logs", 0, 1, DateTimeOffset.UnixEpoch, "CREATE_TIME", null, Encoding.UTF8.GetBytes(value), []), output);
        return Assert.Single(output);
    }

    [Fact]
    public void Required_parameters_are_the_documented_ones()
    {
        Assert.Equal(
            [("github_workflow", "repo"), ("github_workflow", "workflow")],
            ActionCatalog.Types.SelectMany(t => t.Parameters.Where(p => p.Required).Select(p => (t.Type, p.Name))));
    }
}
