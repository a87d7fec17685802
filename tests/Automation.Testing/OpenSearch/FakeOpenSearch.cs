using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Testing.OpenSearch;

/// <summary>
/// An OpenSearch _bulk endpoint on 127.0.0.1 that speaks the real protocol: it checks each request against the API
/// description (<see cref="BulkDescription"/>: media type, query parameters, action names and metadata keys, update
/// bodies), verifies SigV4 or basic auth, decompresses gzip, stores documents by index and _id (index overwrites,
/// create answers 409 when the id exists, update runs the forwarder's aggregate script or a partial doc), refuses a
/// document whose field types clash with what the index has seen (as dynamic mapping does: mapper_parsing_exception),
/// and answers with OpenSearch's response shape, using the real error items of the fixtures. Faults are injected per
/// request (<see cref="Enqueue"/>): whole-request 429/503, 429 or 5xx items inside a 200, or no answer at all.
/// </summary>
public sealed class FakeOpenSearch : IAsyncDisposable
{
    /// <summary>The first line of the forwarder's aggregate script, which this server runs in C# (it has no Painless).</summary>
    public const string AggregateScriptMarker = "// automation-aggregate v1";

    private readonly WebApplication _app;
    private readonly BulkDescription _description = BulkDescription.Load();
    private readonly ConcurrentQueue<OpenSearchFault> _faults = new();
    private readonly ConcurrentQueue<BulkRequestRecord> _requests = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _mappings = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly JsonObject _rejectedItemError;
    private readonly JsonObject _missingItemError;
    private readonly SemaphoreSlim _hungSignal = new(0);
    private int _hung;

    private FakeOpenSearch(WebApplication app)
    {
        _app = app;
        // The real error objects: a 429 item (zipkin's test, type renamed as OpenSearch names it) and a missing document.
        var rejected = JsonNode.Parse(Fixtures.Bytes("opensearch", "examples", "zipkin__BulkCallBuilderTest__elasticsearch-429-rejected.json"))!;
        _rejectedItemError = (JsonObject)rejected["items"]![0]!["index"]!["error"]!.DeepClone();
        _rejectedItemError["type"] = "rejected_execution_exception";
        var missing = JsonNode.Parse(Fixtures.Bytes("opensearch", "examples", "docs-website__bulk.md__response-errors-true.json"))!;
        _missingItemError = (JsonObject)missing["items"]![0]!["update"]!["error"]!.DeepClone();
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>When set, requests must carry a valid SigV4 signature for these credentials.</summary>
    public SigV4Verifier? SigV4 { get; set; }

    /// <summary>When set, requests must carry this basic-auth user and password.</summary>
    public (string User, string Password)? Basic { get; set; }

    public IReadOnlyList<BulkRequestRecord> Requests => [.. _requests];

    /// <summary>Everything a request did against the API description or the auth; empty when all were valid.</summary>
    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>Requests the fake did not answer (see <see cref="OpenSearchFault.Hang"/>) and the client gave up on.</summary>
    public int HungRequests => Volatile.Read(ref _hung);

    /// <summary>Waits until a hung request was given up by its client (the server sees that a moment after the client does).</summary>
    public Task<bool> WaitForHungRequestAsync(TimeSpan timeout) => _hungSignal.WaitAsync(timeout);

    public static async Task<FakeOpenSearch> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOpenSearch(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return server;
    }

    /// <summary>Applies these faults to the next requests, one each, in order.</summary>
    public void Enqueue(params OpenSearchFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>The documents of every index whose name starts with <paramref name="prefix"/>, by (index, id).</summary>
    public IReadOnlyDictionary<(string Index, string Id), JsonObject> Documents(string prefix = "")
    {
        lock (_gate)
        {
            return _indices.Where(i => i.Key.StartsWith(prefix, StringComparison.Ordinal))
                .SelectMany(i => i.Value.Select(d => (Key: (i.Key, d.Key), Doc: (JsonObject)d.Value.DeepClone())))
                .ToDictionary(x => x.Key, x => x.Doc);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        if (Authenticate(request, body) is { } denied)
        {
            _violations.Enqueue("auth: " + denied);
            // Refused before the body is read, as OpenSearch does: no items counted.
            _requests.Enqueue(new BulkRequestRecord(0, body.Length, 0, false, 403, 0));
            await AnswerAsync(context, 403, new JsonObject { ["message"] = denied });
            return;
        }
        if (request.Method != "POST" && request.Method != "PUT" || !(request.Path.Value ?? "").EndsWith("/_bulk", StringComparison.Ordinal))
        {
            _violations.Enqueue($"{request.Method} {request.Path}: only _bulk is served");
            await AnswerAsync(context, 404, Error("illegal_argument_exception", "only _bulk is served here"));
            return;
        }
        foreach (var parameter in request.Query.Keys.Where(k => !_description.QueryParameters.Contains(k)))
        {
            _violations.Enqueue($"query parameter {parameter} is not in the bulk description");
        }
        var mediaType = request.ContentType?.Split(';')[0].Trim() ?? "";
        if (!_description.MediaTypes.Contains(mediaType) && mediaType != "application/json")
        {
            _violations.Enqueue($"media type {mediaType} is not in the bulk description");
        }

        var gzip = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        var ndjson = gzip ? Gunzip(body) : body;
        List<(JsonObject Action, JsonObject? Source)> items;
        try
        {
            items = ParseBulk(ndjson);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            _violations.Enqueue("body: " + e.Message);
            _requests.Enqueue(new BulkRequestRecord(0, body.Length, ndjson.Length, gzip, 400, 0));
            await AnswerAsync(context, 400, Error("parse_exception", e.Message));
            return;
        }

        var fault = _faults.TryDequeue(out var next) ? next : null;
        if (fault is { Hang: true })
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _hung);
                _requests.Enqueue(new BulkRequestRecord(items.Count, body.Length, ndjson.Length, gzip, 0, items.Count));
                _hungSignal.Release();
            }
            return;
        }
        if (fault?.RequestStatus is { } status)
        {
            _requests.Enqueue(new BulkRequestRecord(items.Count, body.Length, ndjson.Length, gzip, status, items.Count));
            var error = status switch
            {
                429 => Error("rejected_execution_exception", "rejected execution of coordinating operation"),
                // The security plugin's answers: unknown or wrong credentials, and a user or role without permission.
                401 => Error("security_exception", "Unauthorized"),
                403 => Error("security_exception", "no permissions for [indices:data/write/bulk] and User [name=forwarder, backend_roles=[], requestedTenant=null]"),
                _ => Error("cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];"),
            };
            await AnswerAsync(context, status, new JsonObject { ["error"] = error, ["status"] = status });
            return;
        }

        var results = new JsonArray();
        var failed = 0;
        lock (_gate)
        {
            for (var i = 0; i < items.Count; i++)
            {
                var (action, source) = items[i];
                var operation = action.Single().Key;
                var meta = (JsonObject)action[operation]!;
                var index = (string?)meta["_index"] ?? DefaultIndex(request.Path.Value!);
                var id = (string?)meta["_id"] ?? Guid.NewGuid().ToString("N");
                var result = fault?.ItemStatus?.Invoke(i) is { } imposed
                    ? Failure(imposed == 429 ? (JsonObject)_rejectedItemError.DeepClone() : Error("unavailable_shards_exception", "primary shard is not active"), index, id, imposed)
                    : Apply(operation, index, id, source);
                if (result["error"] is not null)
                {
                    failed++;
                }
                results.Add(new JsonObject { [operation] = result });
            }
        }
        _requests.Enqueue(new BulkRequestRecord(items.Count, body.Length, ndjson.Length, gzip, 200, failed));
        await AnswerAsync(context, 200, new JsonObject { ["took"] = 3, ["errors"] = failed > 0, ["items"] = results });
    }

    private string? Authenticate(HttpRequest request, byte[] body)
    {
        if (SigV4 is { } verifier)
        {
            return verifier.Verify(request, body);
        }
        if (Basic is { } basic)
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(basic.User + ":" + basic.Password));
            return request.Headers.Authorization.ToString() == expected ? null : "basic credentials missing or wrong";
        }
        return null;
    }

    /// <summary>Pairs of action and source lines, each action checked against the description.</summary>
    private List<(JsonObject, JsonObject?)> ParseBulk(byte[] ndjson)
    {
        var lines = Encoding.UTF8.GetString(ndjson).Split('\n');
        if (lines[^1].Length != 0)
        {
            throw new FormatException("the bulk body must end with a newline");
        }
        var items = new List<(JsonObject, JsonObject?)>();
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var action = JsonNode.Parse(lines[i]) as JsonObject ?? throw new FormatException($"line {i + 1} is not an action object");
            if (action.Count != 1 || !_description.Actions.TryGetValue(action.Single().Key, out var allowed))
            {
                throw new FormatException($"line {i + 1}: an action has exactly one of {string.Join(", ", _description.Actions.Keys)}");
            }
            var (operation, meta) = action.Single();
            foreach (var key in ((JsonObject)meta!).Select(p => p.Key).Where(k => !allowed.Contains(k)))
            {
                _violations.Enqueue($"line {i + 1}: {operation} does not take {key}");
            }
            JsonObject? source = null;
            if (operation != "delete")
            {
                i++;
                source = (i < lines.Length - 1 ? JsonNode.Parse(lines[i]) as JsonObject : null) ?? throw new FormatException($"line {i + 1}: {operation} needs a source object");
                if (operation == "update")
                {
                    foreach (var key in source.Select(p => p.Key).Where(k => !_description.UpdateKeys.Contains(k)))
                    {
                        _violations.Enqueue($"line {i + 1}: an update body does not take {key}");
                    }
                }
            }
            items.Add((action, source));
        }
        return items;
    }

    private JsonObject Apply(string operation, string index, string id, JsonObject? source)
    {
        if (!_indices.TryGetValue(index, out var documents))
        {
            documents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            _indices[index] = documents;
        }
        var exists = documents.TryGetValue(id, out var current);
        switch (operation)
        {
            case "create" when exists:
                return Failure(Error("version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [1])"), index, id, 409);
            case "create" or "index":
                if (MappingConflict(index, source!) is { } conflict)
                {
                    return Failure(Error("mapper_parsing_exception", conflict), index, id, 400);
                }
                documents[id] = (JsonObject)source!.DeepClone();
                return Success(index, id, exists ? "updated" : "created", exists ? 200 : 201);
            case "update":
                return Update(documents, index, id, current, source!);
            case "delete":
                documents.Remove(id);
                return Success(index, id, exists ? "deleted" : "not_found", exists ? 200 : 404);
            default:
                return Failure(Error("illegal_argument_exception", "unknown action " + operation), index, id, 400);
        }
    }

    private JsonObject Update(Dictionary<string, JsonObject> documents, string index, string id, JsonObject? current, JsonObject body)
    {
        if (body["script"] is JsonObject script)
        {
            var text = (string?)script["source"] ?? "";
            if (!text.StartsWith(AggregateScriptMarker, StringComparison.Ordinal) || (string?)script["lang"] is not (null or "painless"))
            {
                return Failure(Error("illegal_argument_exception", "this test server runs only the forwarder's aggregate script"), index, id, 400);
            }
            if (current is null && body["scripted_upsert"]?.GetValue<bool>() != true)
            {
                return Failure((JsonObject)_missingItemError.DeepClone(), index, id, 404);
            }
            var doc = (JsonObject)(current ?? (JsonObject?)body["upsert"] ?? new JsonObject()).DeepClone();
            if (!ApplyAggregate(doc, (JsonObject)script["params"]!))
            {
                return Success(index, id, "noop", 200);
            }
            documents[id] = doc;
            return Success(index, id, current is null ? "created" : "updated", current is null ? 201 : 200);
        }
        if (body["doc"] is JsonObject partial)
        {
            if (current is null && body["doc_as_upsert"]?.GetValue<bool>() != true)
            {
                return Failure((JsonObject)_missingItemError.DeepClone(), index, id, 404);
            }
            var doc = (JsonObject)(current ?? new JsonObject()).DeepClone();
            foreach (var (key, value) in partial)
            {
                doc[key] = value?.DeepClone();
            }
            documents[id] = doc;
            return Success(index, id, current is null ? "created" : "updated", current is null ? 201 : 200);
        }
        return Failure(Error("action_request_validation_exception", "Validation Failed: 1: script or doc is missing;"), index, id, 400);
    }

    /// <summary>What the forwarder's Painless script does, in C#: count offsets above each partition's watermark once.</summary>
    private static bool ApplyAggregate(JsonObject doc, JsonObject parameters)
    {
        if (doc["count"] is null)
        {
            doc["rule"] = parameters["rule"]!.DeepClone();
            doc["group"] = parameters["group"]!.DeepClone();
            doc["minute"] = parameters["minute"]!.DeepClone();
            doc["@timestamp"] = parameters["minute"]!.DeepClone();
            doc["count"] = 0L;
            doc["samples"] = new JsonArray();
            doc["watermarks"] = new JsonArray();
        }
        var samples = (JsonArray)doc["samples"]!;
        var watermarks = (JsonArray)doc["watermarks"]!;
        var maxSamples = (int)parameters["max_samples"]!;
        long added = 0;
        foreach (var part in (JsonArray)parameters["partitions"]!)
        {
            var partition = (string)part!["partition"]!;
            var mark = watermarks.FirstOrDefault(w => (string)w!["partition"]! == partition);
            var seen = mark is null ? -1L : (long)mark["offset"]!;
            var top = seen;
            var offsets = (JsonArray)part["offsets"]!;
            var counts = (JsonArray)part["counts"]!;
            for (var i = 0; i < offsets.Count; i++)
            {
                var offset = (long)offsets[i]!;
                if (offset > seen)
                {
                    added += (long)counts[i]!;
                    top = Math.Max(top, offset);
                }
            }
            foreach (var sample in (JsonArray)part["samples"]!)
            {
                if ((long)sample!["offset"]! > seen && samples.Count < maxSamples)
                {
                    samples.Add(sample["message"]!.DeepClone());
                }
            }
            if (mark is null)
            {
                watermarks.Add(new JsonObject { ["partition"] = partition, ["offset"] = top });
            }
            else
            {
                mark["offset"] = top;
            }
        }
        if (added == 0)
        {
            return false;
        }
        doc["count"] = (long)doc["count"]! + added;
        var first = (string)parameters["first_seen"]!;
        var last = (string)parameters["last_seen"]!;
        if (doc["first_seen"] is null || string.CompareOrdinal(first, (string)doc["first_seen"]!) < 0)
        {
            doc["first_seen"] = first;
        }
        if (doc["last_seen"] is null || string.CompareOrdinal(last, (string)doc["last_seen"]!) > 0)
        {
            doc["last_seen"] = last;
        }
        return true;
    }

    /// <summary>
    /// Dynamic mapping, simplified: the first document fixes each field's kind (dots in names are object paths, as in
    /// OpenSearch); a later non-numeric string in a number field, or an object where a value was (or the reverse), is refused.
    /// </summary>
    private string? MappingConflict(string index, JsonObject source)
    {
        if (!_mappings.TryGetValue(index, out var mapping))
        {
            mapping = new Dictionary<string, string>(StringComparer.Ordinal);
            _mappings[index] = mapping;
        }
        var fields = new List<(string Path, string Kind)>();
        Flatten(source, "", fields);
        foreach (var (path, kind) in fields)
        {
            if (mapping.TryGetValue(path, out var known) && !Compatible(known, kind))
            {
                return $"failed to parse field [{path}] of type [{known}] in document";
            }
        }
        foreach (var (path, kind) in fields)
        {
            mapping.TryAdd(path, kind == "numeric-string" ? "text" : kind);
        }
        return null;
    }

    private static bool Compatible(string known, string kind) => (known, kind) switch
    {
        ("object", "object") => true,
        ("object", _) or (_, "object") => false,
        ("long", "text") => false,
        _ => true,
    };

    private static void Flatten(JsonNode? node, string path, List<(string, string)> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                if (path.Length > 0)
                {
                    fields.Add((path, "object"));
                }
                foreach (var (key, value) in obj)
                {
                    // A dotted name is an object path in OpenSearch: a.b is field b of object a.
                    var parts = key.Split('.');
                    var prefix = path;
                    for (var i = 0; i < parts.Length - 1; i++)
                    {
                        prefix = prefix.Length == 0 ? parts[i] : prefix + "." + parts[i];
                        fields.Add((prefix, "object"));
                    }
                    Flatten(value, prefix.Length == 0 ? parts[^1] : prefix + "." + parts[^1], fields);
                }
                break;
            case JsonArray array:
                foreach (var element in array)
                {
                    Flatten(element, path, fields);
                }
                break;
            case JsonValue value:
                var kind = value.GetValueKind() switch
                {
                    JsonValueKind.Number => "long",
                    JsonValueKind.String => double.TryParse((string)value!, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? "numeric-string" : "text",
                    JsonValueKind.True or JsonValueKind.False => "boolean",
                    _ => "null",
                };
                if (kind != "null")
                {
                    fields.Add((path, kind));
                }
                break;
        }
    }

    /// <summary>The index of /{index}/_bulk; empty for /_bulk.</summary>
    private static string DefaultIndex(string path) => path.Length > "/_bulk".Length ? path[1..^"/_bulk".Length] : "";

    private static JsonObject Success(string index, string id, string result, int status) => new()
    {
        ["_index"] = index,
        ["_id"] = id,
        ["_version"] = 1,
        ["result"] = result,
        ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
        ["_seq_no"] = 1,
        ["_primary_term"] = 1,
        ["status"] = status,
    };

    private static JsonObject Failure(JsonObject error, string index, string id, int status) => new()
    {
        ["_index"] = index,
        ["_id"] = id,
        ["status"] = status,
        ["error"] = error,
    };

    private static JsonObject Error(string type, string reason) => new() { ["type"] = type, ["reason"] = reason };

    private static byte[] Gunzip(byte[] body)
    {
        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static async Task AnswerAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _hungSignal.Dispose();
    }
}
