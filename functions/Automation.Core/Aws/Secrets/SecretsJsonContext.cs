using System.Text.Json.Serialization;

namespace Automation.Core.Aws.Secrets;

/// <summary>The GetSecretValue request body of the Secrets Manager JSON protocol.</summary>
internal sealed record GetSecretValueRequest(string SecretId);

/// <summary>The fields we use of a GetSecretValue response (the extension returns the same document).</summary>
internal sealed record GetSecretValueResponse(string? Name, string? SecretString);

/// <summary>An AWS JSON-protocol error body: only the code and message are ever read.</summary>
internal sealed record AwsErrorBody(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? CapitalMessage);

// Source-generated: the core is trimmed and AOT-compiled, so no reflection-based serialization.
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(AwsErrorBody))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
