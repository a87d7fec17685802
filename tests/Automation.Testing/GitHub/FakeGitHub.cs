using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Automation.Testing.GitHub;

/// <summary>
/// GitHub's REST API on 127.0.0.1 and a free port, under /api/v3 as Octokit addresses any host but github.com (point
/// the client, or github.api_url, at <see cref="BaseUrl"/>). It validates every request body against GitHub's own
/// OpenAPI description (tests/fixtures/github) and answers with the description's examples: a dispatch gets 204, or
/// 200 with run details when it asks for them; runs are listed from the example run. Requests must carry an accepted
/// token, or a GitHub App's RS256 JWT for the installation-token call. Every request is recorded; faults are
/// injected per operation.
/// </summary>
public sealed partial class FakeGitHub : IAsyncDisposable
{
    private const string Prefix = "/api/v3";
    private const string DispatchPath = "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";
    private const string RunsPath = "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs";

    private readonly TimeProvider _time;
    private readonly JsonSchema _dispatchSchema;
    private readonly IReadOnlySet<string> _dispatchProperties;
    private readonly JsonSchema _runsSchema;
    private readonly JsonObject _dispatchExample;
    private readonly JsonObject _exampleRun;
    private readonly Lock _gate = new();
    private readonly List<GitHubRequest> _requests = [];
    private readonly Dictionary<GitHubOperation, Queue<GitHubFault>> _faults = [];
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly List<FakeWorkflowRun> _runs = [];
    private (long AppId, long InstallationId, RSA PublicKey)? _app;
    private WebApplication? _server;

    private FakeGitHub(TimeProvider time)
    {
        _time = time;
        var description = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("github", "workflow-ops.deref.json")))!;
        var dispatch = description["paths"]![DispatchPath]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        _dispatchSchema = JsonSchema.FromText(OpenApiSchemas.ToJsonSchema(dispatch).ToJsonString());
        _dispatchProperties = dispatch["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var runs = description["paths"]![RunsPath]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        _runsSchema = JsonSchema.FromText(OpenApiSchemas.ToJsonSchema(runs).ToJsonString());
        _dispatchExample = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("github", "examples", "workflow-dispatch-response.json")))!.AsObject();
        var page = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("github", "examples", "workflow-run-paginated.json")))!;
        _exampleRun = page["workflow_runs"]![0]!.AsObject();
    }

    /// <summary>http://127.0.0.1:port: give it to Octokit (or github.api_url), which adds /api/v3/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What dispatches with return_run_details are answered with: the description's example (200).</summary>
    public JsonObject DispatchExample => (JsonObject)_dispatchExample.DeepClone();

    /// <summary>When false, a dispatch is answered 204 even when it asks for run details (GitHub before that field, or GHES).</summary>
    public bool ReturnRunDetails { get; set; } = true;

    /// <summary>The default branch GET /repos/{owner}/{repo} reports.</summary>
    public string DefaultBranch { get; set; } = "main";

    /// <summary>How long the installation tokens it creates live.</summary>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<GitHubRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<GitHubRequest> Dispatches => [.. Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/dispatches", StringComparison.Ordinal))];

    /// <param name="time">The clock installation tokens expire by; the system clock when null.</param>
    public static async Task<FakeGitHub> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var fake = new FakeGitHub(time ?? TimeProvider.System);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake._server = app;
        fake.BaseUrl = new Uri("http://127.0.0.1:" + new Uri(address).Port.ToString(CultureInfo.InvariantCulture));
        return fake;
    }

    /// <summary>Requests with this token (Bearer or token scheme) are let in.</summary>
    public void AcceptToken(string token) => _tokens[token] = 0;

    /// <summary>Acts as GitHub for this App: its JWTs (signed with the key's private half) get installation tokens.</summary>
    public void AcceptApp(long appId, long installationId, RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var publicKey = RSA.Create();
        publicKey.ImportParameters(key.ExportParameters(includePrivateParameters: false));
        _app = (appId, installationId, publicKey);
    }

    /// <summary>Adds a run that GET .../runs lists (newest first, filtered by branch and status as GitHub does).</summary>
    public void AddRun(FakeWorkflowRun run)
    {
        lock (_gate)
        {
            _runs.Add(run);
        }
    }

    /// <summary>The next calls of <paramref name="operation"/> are answered with these faults, one each, in order.</summary>
    public void FailNext(GitHubOperation operation, params GitHubFault[] faults)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(operation, out var queue))
            {
                _faults[operation] = queue = new Queue<GitHubFault>();
            }
            foreach (var fault in faults)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Checks an answer of list-workflow-runs against the description's schema (the fake's own answers are tested with it).</summary>
    public IReadOnlyList<string> RunsResponseErrors(JsonNode response) => Errors(_runsSchema, response);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
            _server = null;
        }
        _app?.PublicKey.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "";
        JsonNode? body = null;
        var errors = new List<string>();
        if (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(http.RequestAborted);
            try
            {
                body = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                errors.Add("body is not JSON: " + e.Message);
            }
        }

        var (status, answer, headers) = Answer(request.Method, path, request, body, errors);
        lock (_gate)
        {
            _requests.Add(new GitHubRequest(
                request.Method,
                path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : path,
                request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
                request.Headers.UserAgent.ToString(),
                body,
                errors,
                (int)status));
        }

        http.Response.StatusCode = (int)status;
        foreach (var (name, value) in headers)
        {
            http.Response.Headers[name] = value;
        }
        if (answer is not null)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(answer.ToJsonString(), http.RequestAborted);
        }
    }

    private (HttpStatusCode Status, JsonNode? Body, IReadOnlyDictionary<string, string> Headers) Answer(
        string method, string path, HttpRequest request, JsonNode? body, List<string> errors)
    {
        var none = new Dictionary<string, string>();
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return (HttpStatusCode.NotFound, Error("Not Found"), none);
        }
        var route = path[Prefix.Length..];
        GitHubOperation? operation = method switch
        {
            "POST" when DispatchRoute().IsMatch(route) => GitHubOperation.Dispatch,
            "GET" when RunsRoute().IsMatch(route) => GitHubOperation.ListWorkflowRuns,
            "GET" when RepositoryRoute().IsMatch(route) => GitHubOperation.GetRepository,
            "POST" when TokenRoute().IsMatch(route) => GitHubOperation.CreateInstallationToken,
            _ => null,
        };
        if (operation is not { } op)
        {
            return (HttpStatusCode.NotFound, Error("Not Found"), none);
        }

        var authorization = request.Headers.Authorization.ToString();
        if (op == GitHubOperation.CreateInstallationToken)
        {
            if (CheckJwt(authorization, TokenRoute().Match(route)) is { } jwtProblem)
            {
                errors.Add(jwtProblem);
                return (HttpStatusCode.Unauthorized, Error("A JSON web token could not be decoded"), none);
            }
        }
        else if (!Authorized(authorization))
        {
            return (HttpStatusCode.Unauthorized, Error("Bad credentials"), none);
        }

        if (NextFault(op) is { } fault)
        {
            return (fault.Status, Error(fault.Message), fault.Headers ?? none);
        }

        switch (op)
        {
            case GitHubOperation.Dispatch:
                errors.AddRange(body is null ? ["the body is missing"] : Errors(_dispatchSchema, body));
                if (body is JsonObject fields)
                {
                    errors.AddRange(fields.Where(f => !_dispatchProperties.Contains(f.Key)).Select(f => $"unexpected property '{f.Key}'"));
                }
                if (errors.Count > 0)
                {
                    return (HttpStatusCode.UnprocessableEntity, Error("Invalid request.\n\n" + string.Join("\n", errors)), none);
                }
                return ReturnRunDetails && body!["return_run_details"]?.GetValueKind() == JsonValueKind.True
                    ? (HttpStatusCode.OK, DispatchExample, none)
                    : (HttpStatusCode.NoContent, null, none);

            case GitHubOperation.ListWorkflowRuns:
                return (HttpStatusCode.OK, RunsPage(RunsRoute().Match(route).Groups["workflow"].Value, request), none);

            case GitHubOperation.GetRepository:
                var repo = RepositoryRoute().Match(route);
                return (HttpStatusCode.OK, new JsonObject
                {
                    ["id"] = 1296269,
                    ["name"] = repo.Groups["repo"].Value,
                    ["full_name"] = repo.Groups["owner"].Value + "/" + repo.Groups["repo"].Value,
                    ["default_branch"] = DefaultBranch,
                }, none);

            default:
                var token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
                AcceptToken(token);
                var expires = _time.GetUtcNow() + InstallationTokenLifetime;
                return (HttpStatusCode.Created, new JsonObject
                {
                    ["token"] = token,
                    ["expires_at"] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                }, none);
        }
    }

    private JsonObject RunsPage(string workflow, HttpRequest request)
    {
        var branch = request.Query["branch"].ToString();
        var status = request.Query["status"].ToString();
        var perPage = int.TryParse(request.Query["per_page"].ToString(), CultureInfo.InvariantCulture, out var n) ? n : 30;
        List<FakeWorkflowRun> matching;
        lock (_gate)
        {
            matching = [.. _runs
                .Where(r => r.Workflow == workflow)
                .Where(r => branch.Length == 0 || r.Branch == branch)
                .Where(r => status.Length == 0 || r.Status == status || r.Conclusion == status)
                .OrderByDescending(r => r.CreatedAt)];
        }
        var runs = new JsonArray();
        foreach (var run in matching.Take(perPage))
        {
            var node = (JsonObject)_exampleRun.DeepClone();
            node["id"] = run.Id;
            node["head_sha"] = run.HeadSha;
            node["head_branch"] = run.Branch;
            node["status"] = run.Status;
            node["conclusion"] = run.Conclusion;
            node["created_at"] = run.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            node["html_url"] = $"https://github.com/octo-org/octo-repo/actions/runs/{run.Id}";
            runs.Add(node);
        }
        return new JsonObject { ["total_count"] = matching.Count, ["workflow_runs"] = runs };
    }

    private bool Authorized(string authorization)
    {
        var parts = authorization.Split(' ', 2);
        return parts.Length == 2 && parts[0] is "Bearer" or "token" && _tokens.ContainsKey(parts[1]);
    }

    /// <summary>Null when the JWT is one GitHub takes from this App for this installation; otherwise what is wrong.</summary>
    private string? CheckJwt(string authorization, Match route)
    {
        if (_app is not { } app)
        {
            return "no App is configured";
        }
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "an App authenticates with Bearer <JWT>";
        }
        var parts = authorization["Bearer ".Length..].Split('.');
        if (parts.Length != 3)
        {
            return "not a JWT";
        }
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "RS256")
        {
            return "alg must be RS256";
        }
        if (!app.PublicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "bad signature";
        }
        using var payload = JsonDocument.Parse(Base64Url(parts[1]));
        var iss = payload.RootElement.GetProperty("iss");
        var issuer = iss.ValueKind == JsonValueKind.Number ? iss.GetInt64().ToString(CultureInfo.InvariantCulture) : iss.GetString();
        var iat = payload.RootElement.GetProperty("iat").GetInt64();
        var exp = payload.RootElement.GetProperty("exp").GetInt64();
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (issuer != app.AppId.ToString(CultureInfo.InvariantCulture))
        {
            return "iss is not the App's id";
        }
        if (exp - iat > 600 || exp <= now || iat > now + 60)
        {
            return "expired or longer than 10 minutes";
        }
        return route.Groups["installation"].Value == app.InstallationId.ToString(CultureInfo.InvariantCulture) ? null : "unknown installation";
    }

    private GitHubFault? NextFault(GitHubOperation operation)
    {
        lock (_gate)
        {
            return _faults.TryGetValue(operation, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private static List<string> Errors(JsonSchema schema, JsonNode instance)
    {
        using var document = JsonDocument.Parse(instance.ToJsonString());
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }

    private static JsonObject Error(string message) =>
        new() { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" };

    private static byte[] Base64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    [GeneratedRegex("^/repos/[^/]+/[^/]+/actions/workflows/[^/]+/dispatches$")]
    private static partial Regex DispatchRoute();

    [GeneratedRegex("^/repos/[^/]+/[^/]+/actions/workflows/(?<workflow>[^/]+)/runs$")]
    private static partial Regex RunsRoute();

    [GeneratedRegex("^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)$")]
    private static partial Regex RepositoryRoute();

    [GeneratedRegex("^/app/installations/(?<installation>[0-9]+)/access_tokens$")]
    private static partial Regex TokenRoute();
}
