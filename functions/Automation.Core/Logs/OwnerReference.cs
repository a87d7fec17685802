namespace Automation.Core.Logs;

/// <summary>A Kubernetes owner reference of the pod that wrote a log record (as in <c>metadata.ownerReferences</c>).</summary>
/// <param name="Kind">For example <c>ReplicaSet</c>, <c>StatefulSet</c>, <c>DaemonSet</c>, <c>Job</c>.</param>
/// <param name="Controller">True for the managing controller; null when the source did not say.</param>
public sealed record OwnerReference(string Kind, string Name, string? ApiVersion, string? Uid, bool? Controller);
