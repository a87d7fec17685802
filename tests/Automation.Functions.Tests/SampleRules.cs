namespace Automation.Functions.Tests;

/// <summary>Rules files the tests of shared state run with.</summary>
internal static class SampleRules
{
    /// <summary>One restart_pod rule with a cooldown, targeting the pod that logged an OutOfMemoryError.</summary>
    public const string OomRestartWithCooldown = """
        version: 1
        rules:
          - id: oom
            match: { contains: OutOfMemoryError }
            cooldown: 15m
            actions:
              - type: restart_pod
                namespace: "{{ kubernetes.namespace_name }}"
                pod: "{{ kubernetes.pod_name }}"
        """;
}
