using System.Text.Json.Serialization;

namespace Automation.Core.Pipeline;

/// <summary>One record Lambda must deliver again.</summary>
public sealed record BatchItemFailure([property: JsonPropertyName("itemIdentifier")] BatchItemIdentifier ItemIdentifier);
