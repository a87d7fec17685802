using System.Text.Json.Nodes;

namespace Automation.Testing.GitHub;

/// <summary>One request the fake GitHub received.</summary>
/// <param name="Path">The path below /api/v3, e.g. /repos/acme/shop/actions/workflows/rollback.yml/dispatches.</param>
/// <param name="Authorization">The Authorization header as sent.</param>
/// <param name="Body">The JSON body, when there was one.</param>
/// <param name="SchemaErrors">Where the body breaks GitHub's OpenAPI description; empty when it conforms.</param>
/// <param name="Status">What the fake answered.</param>
public sealed record GitHubRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string? Authorization,
    string? UserAgent,
    JsonNode? Body,
    IReadOnlyList<string> SchemaErrors,
    int Status);
