using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Testing.Kubernetes;

/// <summary>
/// A Kubernetes API server on 127.0.0.1, over HTTPS with a test CA, serving the paths the restart actions use:
/// pods get, list (labelSelector) and delete (with a uid precondition); replicasets get; deployments, statefulsets and
/// daemonsets get and patch (JSON merge patch only). It checks the verb, the patch content type and body, and the
/// bearer token; answers 401 without an acceptable token, 404 for unknown objects, 405 for other verbs, 415 for a
/// patch that is not a merge patch; and can be told to answer 404/409/429/500 to the next requests. Every request is
/// recorded. Pods are served from a real Pod object (tests/fixtures/kubernetes) with the test's names.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string MergePatchContentType = "application/merge-patch+json";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string? Method, int Status, int? RetryAfter)> _faults = new();
    private readonly ConcurrentQueue<KubernetesRequest> _requests = new();
    private readonly Lock _lock = new();

    private FakeKubernetesApi(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The API server URL (https://127.0.0.1:port).</summary>
    public string Endpoint { get; private set; } = null!;

    /// <summary>Decides whether a bearer token is accepted; default: an EKS token (k8s-aws-v1.) naming the x-k8s-aws-id header.</summary>
    public Func<string, bool> AcceptToken { get; set; } = IsEksToken;

    /// <summary>Every request in arrival order.</summary>
    public IReadOnlyList<KubernetesRequest> Requests => [.. _requests];

    /// <summary>Answers the next request (of <paramref name="method"/>, or any when null) with <paramref name="status"/>, once per call.</summary>
    public void Fail(int status, string? method = null, int times = 1, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue((method, status, retryAfterSeconds));
        }
    }

    public static async Task<FakeKubernetesApi> StartAsync(TestCertificateAuthority ca)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = ca.ServerCertificate })));
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        app.Run(api.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        api.Endpoint = address.Replace("http://", "https://", StringComparison.Ordinal);
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A Deployment with its ReplicaSet and pods (named &lt;app&gt;-&lt;hash&gt;-&lt;suffix&gt;), the first <paramref name="ready"/> pods ready.</summary>
    public void AddDeployment(string ns, string app, string hash, IReadOnlyList<string> podSuffixes, int ready, IReadOnlyDictionary<string, string>? templateAnnotations = null)
    {
        var deploymentUid = Uid("Deployment", ns, app);
        var replicaSet = $"{app}-{hash}";
        var replicaSetUid = Uid("ReplicaSet", ns, replicaSet);
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = app, ["pod-template-hash"] = hash };
        var annotations = new JsonObject();
        foreach (var (key, value) in templateAnnotations ?? new Dictionary<string, string>())
        {
            annotations[key] = value;
        }
        Put("deployments", ns, app, new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["uid"] = deploymentUid, ["generation"] = 3 },
            ["spec"] = new JsonObject
            {
                ["replicas"] = podSuffixes.Count,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = app } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = app }, ["annotations"] = annotations },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = app, ["image"] = $"example/{app}:1" }) },
                },
            },
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 3, ["replicas"] = podSuffixes.Count, ["updatedReplicas"] = podSuffixes.Count,
                ["readyReplicas"] = ready, ["availableReplicas"] = ready,
            },
        });
        Put("replicasets", ns, replicaSet, new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = replicaSet, ["namespace"] = ns, ["uid"] = replicaSetUid,
                ["ownerReferences"] = new JsonArray(Owner("Deployment", app, deploymentUid)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = podSuffixes.Count,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = app, ["pod-template-hash"] = hash } },
            },
            ["status"] = new JsonObject { ["replicas"] = podSuffixes.Count, ["readyReplicas"] = ready },
        });
        for (var i = 0; i < podSuffixes.Count; i++)
        {
            AddPod(ns, $"{replicaSet}-{podSuffixes[i]}", labels, ready: i < ready, ("ReplicaSet", replicaSet, replicaSetUid));
        }
    }

    /// <summary>A StatefulSet with its pods &lt;name&gt;-0, &lt;name&gt;-1, …, all ready and on the current revision.</summary>
    public void AddStatefulSet(string ns, string name, int replicas)
    {
        var uid = Uid("StatefulSet", ns, name);
        Put("statefulsets", ns, name, new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "StatefulSet",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = uid, ["generation"] = 1 },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = name } },
                ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = name } } },
            },
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 1, ["replicas"] = replicas, ["readyReplicas"] = replicas, ["updatedReplicas"] = replicas,
                ["currentRevision"] = $"{name}-1", ["updateRevision"] = $"{name}-1",
            },
        });
        for (var i = 0; i < replicas; i++)
        {
            AddPod(ns, $"{name}-{i}", new Dictionary<string, string> { ["app.kubernetes.io/name"] = name }, ready: true, ("StatefulSet", name, uid));
        }
    }

    /// <summary>A ReplicaSet that no Deployment owns (created on its own), with its pods &lt;name&gt;-&lt;suffix&gt;, all ready.</summary>
    public void AddBareReplicaSet(string ns, string name, IReadOnlyList<string> podSuffixes)
    {
        var uid = Uid("ReplicaSet", ns, name);
        Put("replicasets", ns, name, new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = uid },
            ["spec"] = new JsonObject
            {
                ["replicas"] = podSuffixes.Count,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = name } },
            },
            ["status"] = new JsonObject { ["replicas"] = podSuffixes.Count, ["readyReplicas"] = podSuffixes.Count },
        });
        foreach (var suffix in podSuffixes)
        {
            AddPod(ns, $"{name}-{suffix}", new Dictionary<string, string> { ["app.kubernetes.io/name"] = name }, ready: true, ("ReplicaSet", name, uid));
        }
    }

    /// <summary>A pod from the fixture Pod object, with these names; <paramref name="owner"/> null makes a bare pod.</summary>
    public void AddPod(string ns, string name, IReadOnlyDictionary<string, string> labels, bool ready, (string Kind, string Name, string Uid)? owner)
    {
        var pod = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("kubernetes", "fluent-bit__core_base-with-owner-references.pod.json")))!.AsObject();
        var metadata = pod["metadata"]!.AsObject();
        metadata["name"] = name;
        metadata["namespace"] = ns;
        metadata["uid"] = PodUid(ns, name);
        metadata["selfLink"] = $"/api/v1/namespaces/{ns}/pods/{name}";
        var labelObject = new JsonObject();
        foreach (var (key, value) in labels)
        {
            labelObject[key] = value;
        }
        metadata["labels"] = labelObject;
        metadata["ownerReferences"] = owner is { } o ? new JsonArray(Owner(o.Kind, o.Name, o.Uid)) : new JsonArray();
        var status = pod["status"]!.AsObject();
        status["phase"] = "Running";
        status["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" },
            new JsonObject { ["type"] = "ContainersReady", ["status"] = ready ? "True" : "False" });
        Put("pods", ns, name, pod);
    }

    /// <summary>The uid the fake gives pod <paramref name="ns"/>/<paramref name="name"/> (the same as events/generate.py's pod_id).</summary>
    public static string PodUid(string ns, string name) => Uid5($"pod/{ns}/{name}");

    /// <summary>The object as it stands now, null when absent (deleted).</summary>
    public JsonObject? Get(string resource, string ns, string name) =>
        _objects.TryGetValue(Key(resource, ns, name), out var value) ? (JsonObject)value.DeepClone() : null;

    public void Put(string resource, string ns, string name, JsonObject value) => _objects[Key(resource, ns, name)] = value;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        var (status, answer, retryAfter) = Answer(request.Method, request.Path.Value ?? "/", request.Query, request.ContentType, authorization, body);
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        _requests.Enqueue(new KubernetesRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value?.TrimStart('?') ?? "",
            request.ContentType, authorization, body, status, TimeProvider.System.GetUtcNow()));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private (int Status, JsonNode Body, int? RetryAfter) Answer(string method, string path, IQueryCollection query, string? contentType, string? authorization, string body)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !AcceptToken(authorization["Bearer ".Length..]))
        {
            var (code, answer) = Status(401, "Unauthorized", "Unauthorized");
            return (code, answer, null);
        }
        if (NextFault(method) is { } fault)
        {
            var (code, answer) = Status(fault.Status, fault.Status switch { 404 => "NotFound", 409 => "Conflict", 429 => "TooManyRequests", _ => "InternalError" }, $"injected {fault.Status}");
            return (code, answer, fault.RetryAfter);
        }
        var (status, result) = Route(method, path, query, contentType, body);
        return (status, result, null);
    }

    private (int Status, JsonNode Body) Route(string method, string path, IQueryCollection query, string? contentType, string body)
    {

        var parts = path.Trim('/').Split('/');
        // /api/v1/namespaces/{ns}/pods[/{name}] and /apis/apps/v1/namespaces/{ns}/{resource}/{name}
        var (ns, resource, name) = parts switch
        {
            ["api", "v1", "namespaces", var n, "pods"] => (n, "pods", null),
            ["api", "v1", "namespaces", var n, "pods", var p] => (n, "pods", p),
            ["apis", "apps", "v1", "namespaces", var n, var r and ("replicasets" or "deployments" or "statefulsets" or "daemonsets"), var w] => (n, r, w),
            _ => (null, null, null),
        };
        if (ns is null || resource is null)
        {
            return Status(404, "NotFound", $"the server could not find the requested resource ({path})");
        }

        lock (_lock)
        {
            return (method, resource, name) switch
            {
                ("GET", "pods", null) => (200, List(ns, query["labelSelector"].ToString())),
                ("GET", _, { } n) => _objects.TryGetValue(Key(resource, ns, n), out var found)
                    ? (200, found.DeepClone())
                    : Status(404, "NotFound", $"{resource} \"{n}\" not found"),
                ("DELETE", "pods", { } n) => Delete(ns, n, body),
                ("PATCH", "deployments" or "statefulsets" or "daemonsets", { } n) => Patch(resource, ns, n, contentType, body),
                _ => Status(405, "MethodNotAllowed", $"{method} is not allowed on {resource}"),
            };
        }
    }

    private JsonNode List(string ns, string selector)
    {
        var wanted = selector.Length == 0
            ? []
            : selector.Split(',').Select(term => term.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var items = new JsonArray();
        foreach (var (key, pod) in _objects.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith($"pods/{ns}/", StringComparison.Ordinal))
            {
                continue;
            }
            var labels = pod["metadata"]?["labels"]?.AsObject();
            if (wanted.All(w => labels?[w.Key]?.GetValue<string>() == w.Value))
            {
                items.Add(pod.DeepClone());
            }
        }
        return new JsonObject { ["kind"] = "PodList", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = "1" }, ["items"] = items };
    }

    private (int, JsonNode) Delete(string ns, string name, string body)
    {
        if (!_objects.TryGetValue(Key("pods", ns, name), out var pod))
        {
            return Status(404, "NotFound", $"pods \"{name}\" not found");
        }
        if (body.Length > 0 && JsonNode.Parse(body)?["preconditions"]?["uid"]?.GetValue<string>() is { } uid
            && uid != pod["metadata"]!["uid"]!.GetValue<string>())
        {
            return Status(409, "Conflict", $"Precondition failed: UID in precondition: {uid}, UID in object meta: {pod["metadata"]!["uid"]}");
        }
        _objects.TryRemove(Key("pods", ns, name), out _);
        return (200, pod);
    }

    private (int, JsonNode) Patch(string resource, string ns, string name, string? contentType, string body)
    {
        if (contentType is null || !contentType.StartsWith(MergePatchContentType, StringComparison.Ordinal))
        {
            return Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {MergePatchContentType}");
        }
        if (!_objects.TryGetValue(Key(resource, ns, name), out var current))
        {
            return Status(404, "NotFound", $"{resource} \"{name}\" not found");
        }
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Status(400, "BadRequest", "the patch is not JSON");
        }
        if (patch is not JsonObject patchObject)
        {
            return Status(400, "BadRequest", "a merge patch must be a JSON object");
        }
        var merged = (JsonObject)MergePatch(current.DeepClone(), patchObject)!;
        var metadata = merged["metadata"]!.AsObject();
        metadata["generation"] = (metadata["generation"]?.GetValue<int>() ?? 1) + 1;
        _objects[Key(resource, ns, name)] = merged;
        return (200, merged.DeepClone());
    }

    /// <summary>RFC 7386: objects merge key by key, null removes a key, anything else replaces.</summary>
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatch(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }
        return result;
    }

    private (int Status, int? RetryAfter)? NextFault(string method)
    {
        if (_faults.TryPeek(out var next) && (next.Method is null || next.Method == method) && _faults.TryDequeue(out var taken))
        {
            return (taken.Status, taken.RetryAfter);
        }
        return null;
    }

    private static (int, JsonNode) Status(int code, string reason, string message) => (code, new JsonObject
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = message, ["reason"] = reason, ["code"] = code,
    });

    private static JsonObject Owner(string kind, string name, string uid) => new()
    {
        ["apiVersion"] = kind is "Job" ? "batch/v1" : "apps/v1", ["kind"] = kind, ["name"] = name, ["uid"] = uid, ["controller"] = true, ["blockOwnerDeletion"] = true,
    };

    private static string Key(string resource, string ns, string name) => $"{resource}/{ns}/{name}";

    private static string Uid(string kind, string ns, string name) => Uid5($"{kind}/{ns}/{name}");

    // uuid5(NAMESPACE_URL, text), as events/generate.py names pods, so records and the fake agree on pod uids.
    private static string Uid5(string text)
    {
        byte[] ns = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
        var hash = System.Security.Cryptography.SHA1.HashData([.. ns, .. Encoding.UTF8.GetBytes(text)]);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(hash.AsSpan(0, 16)).Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
    }

    /// <summary>An EKS token: k8s-aws-v1. and base64url of a presigned STS URL that signs the x-k8s-aws-id header.</summary>
    public static bool IsEksToken(string token)
    {
        if (!token.StartsWith("k8s-aws-v1.", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            var encoded = token["k8s-aws-v1.".Length..].Replace('-', '+').Replace('_', '/');
            var url = Encoding.UTF8.GetString(Convert.FromBase64String(encoded + new string('=', (4 - encoded.Length % 4) % 4)));
            return url.StartsWith("https://sts.", StringComparison.Ordinal)
                && url.Contains("Action=GetCallerIdentity", StringComparison.Ordinal)
                && url.Contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id", StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
