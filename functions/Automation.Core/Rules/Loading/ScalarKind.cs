namespace Automation.Core.Rules.Loading;

/// <summary>What a scalar is under YAML 1.2's core schema (quoted, block and !!str scalars are always strings).</summary>
internal enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
}
