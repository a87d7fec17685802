using System.Collections.ObjectModel;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>Reads Fluent Bit's <c>kubernetes</c> object (its kubernetes filter output) into <see cref="KubernetesMetadata"/>.</summary>
internal static class KubernetesMetadataReader
{
    /// <summary>
    /// The annotation Kubernetes set on pods before ownerReferences existed (removed in 1.9): a serialized reference
    /// to the controller that created the pod. Used for the owner when the record carries no ownerReferences.
    /// </summary>
    private const string CreatedByAnnotation = "kubernetes.io/created-by";

    /// <summary>Reads the object the reader stands on (a StartObject of validated JSON); the reader ends on its EndObject.</summary>
    public static KubernetesMetadata Read(ref Utf8JsonReader reader)
    {
        string? pod = null, ns = null, podId = null, container = null, image = null, containerId = null, host = null;
        Dictionary<string, string>? labels = null, annotations = null;
        List<OwnerReference>? owners = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = Key(ref reader);
            reader.Read();
            switch (key)
            {
                case Field.PodName: pod ??= ReadString(ref reader); break;
                case Field.NamespaceName: ns ??= ReadString(ref reader); break;
                case Field.PodId: podId ??= ReadString(ref reader); break;
                case Field.ContainerName: container ??= ReadString(ref reader); break;
                case Field.ContainerImage: image ??= ReadString(ref reader); break;
                case Field.DockerId: containerId ??= ReadString(ref reader); break;
                case Field.Host: host ??= ReadString(ref reader); break;
                case Field.Labels when labels is null: labels = ReadMap(ref reader); break;
                case Field.Annotations when annotations is null: annotations = ReadMap(ref reader); break;
                case Field.OwnerReferences when owners is null: owners = ReadOwners(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        if ((owners is null || owners.Count == 0) && annotations is not null
            && annotations.TryGetValue(CreatedByAnnotation, out var createdBy)
            && ReadCreatedBy(createdBy) is { } creator)
        {
            owners = [creator];
        }

        return new KubernetesMetadata(pod, ns, podId, container, image, containerId, host,
            Freeze(labels), Freeze(annotations), owners is { Count: > 0 } ? owners.AsReadOnly() : []);
    }

    public static IReadOnlyDictionary<string, string> Freeze(Dictionary<string, string>? map) =>
        map is { Count: > 0 } ? map.AsReadOnly() : ReadOnlyDictionary<string, string>.Empty;

    private enum Field { Other, PodName, NamespaceName, PodId, ContainerName, ContainerImage, DockerId, Host, Labels, Annotations, OwnerReferences }

    private static Field Key(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("pod_name"u8) ? Field.PodName
        : reader.ValueTextEquals("namespace_name"u8) ? Field.NamespaceName
        : reader.ValueTextEquals("pod_id"u8) ? Field.PodId
        : reader.ValueTextEquals("container_name"u8) ? Field.ContainerName
        : reader.ValueTextEquals("container_image"u8) ? Field.ContainerImage
        : reader.ValueTextEquals("docker_id"u8) ? Field.DockerId
        : reader.ValueTextEquals("host"u8) ? Field.Host
        : reader.ValueTextEquals("labels"u8) ? Field.Labels
        : reader.ValueTextEquals("annotations"u8) ? Field.Annotations
        : reader.ValueTextEquals("ownerReferences"u8) ? Field.OwnerReferences
        : Field.Other;

    /// <summary>A string value; anything else is skipped and gives null.</summary>
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        reader.Skip();
        return null;
    }

    /// <summary>Labels or annotations: string values (numbers and booleans as their text), the first of a key, at most <see cref="JsonLimits.MaxMapEntries"/>.</summary>
    private static Dictionary<string, string>? ReadMap(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = map.Count < JsonLimits.MaxMapEntries ? reader.GetString()! : null;
            reader.Read();
            var value = name is null ? null : JsonNavigator.ReadScalar(ref reader);
            reader.Skip();
            if (name is not null && value is not null)
            {
                map.TryAdd(name, value);
            }
        }
        return map;
    }

    private static List<OwnerReference>? ReadOwners(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }
        var owners = new List<OwnerReference>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject && owners.Count < JsonLimits.MaxOwnerReferences)
            {
                if (ReadOwner(ref reader) is { } owner)
                {
                    owners.Add(owner);
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return owners;
    }

    /// <summary>One ownerReferences entry; null without a kind and a name. Ends on the object's EndObject.</summary>
    private static OwnerReference? ReadOwner(ref Utf8JsonReader reader)
    {
        string? kind = null, name = null, apiVersion = null, uid = null;
        bool? controller = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kind"u8)) { reader.Read(); kind ??= ReadString(ref reader); }
            else if (reader.ValueTextEquals("name"u8)) { reader.Read(); name ??= ReadString(ref reader); }
            else if (reader.ValueTextEquals("apiVersion"u8)) { reader.Read(); apiVersion ??= ReadString(ref reader); }
            else if (reader.ValueTextEquals("uid"u8)) { reader.Read(); uid ??= ReadString(ref reader); }
            else if (reader.ValueTextEquals("controller"u8))
            {
                reader.Read();
                controller ??= reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return kind is null || name is null ? null : new OwnerReference(kind, name, apiVersion, uid, controller);
    }

    /// <summary>
    /// <c>{"kind":"SerializedReference","reference":{"kind":"ReplicaSet","name":…,"uid":…,"apiVersion":…}}</c>: the
    /// controller that created the pod. Anything unreadable gives null; annotation text is as hostile as a log line.
    /// </summary>
    private static OwnerReference? ReadCreatedBy(string text)
    {
        if (text.Length > JsonLimits.MaxCreatedByLength)
        {
            return null;
        }
        try
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            var reader = new Utf8JsonReader(utf8, JsonLimits.ReaderOptions);
            if (!JsonNavigator.TryNavigate(ref reader, [FieldPathSegment.Key("reference")]) || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            // Set by the controller that created the pod, so it is the controlling owner.
            return ReadOwner(ref reader) is { } owner ? owner with { Controller = true } : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
