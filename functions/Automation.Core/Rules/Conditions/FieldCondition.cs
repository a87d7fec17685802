using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>
/// A test of one value of the record: the field at <see cref="Field"/>, or the record's message when it is null.
/// A missing field fails every test but <c>exists: false</c>.
/// </summary>
public abstract record FieldCondition(FieldPath? Field, bool IgnoreCase, SourceLocation Location) : Condition(Location);
