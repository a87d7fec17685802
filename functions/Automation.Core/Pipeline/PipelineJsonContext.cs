using System.Text.Json.Serialization;

namespace Automation.Core.Pipeline;

/// <summary>Source-generated serializers for what the pipeline answers (no reflection: the functions are Native AOT).</summary>
[JsonSerializable(typeof(KafkaBatchResponse))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
