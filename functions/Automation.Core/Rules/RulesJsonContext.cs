using System.Text.Json.Serialization;

namespace Automation.Core.Rules;

/// <summary>Source-generated JSON for what the rules engine writes (no reflection: the functions are Native AOT).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class RulesJsonContext : JsonSerializerContext;
