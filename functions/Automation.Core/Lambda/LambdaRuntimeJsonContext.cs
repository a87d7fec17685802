using System.Text.Json.Serialization;

namespace Automation.Core.Lambda;

/// <summary>Source-generated serializer for the Runtime API's error body (no reflection under Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LambdaError))]
internal sealed partial class LambdaRuntimeJsonContext : JsonSerializerContext;
