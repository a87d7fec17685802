using System.Text.Json.Serialization;

namespace Automation.Core.Aws.CloudWatchLogs;

/// <summary>
/// Source-generated metadata for the inflated JSON: no reflection (trim and AOT safe). Every member is required and
/// nulls are refused, so a document of another shape fails as a whole instead of yielding empty fields.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(CloudWatchLogsEvent))]
internal sealed partial class CloudWatchLogsJsonContext : JsonSerializerContext;
