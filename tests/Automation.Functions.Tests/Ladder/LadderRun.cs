using System.Text.Json;

namespace Automation.Functions.Tests.Ladder;

/// <summary>The log lines of one `invoke --live` of a function.</summary>
internal sealed record LadderRun(string Function, IReadOnlyList<JsonElement> Lines)
{
    /// <summary>The "audit":"decision" or "audit":"action" lines.</summary>
    public List<JsonElement> Audits(string kind) =>
        [.. Lines.Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == kind)];

    /// <summary>The decision lines of <paramref name="rule"/>.</summary>
    public List<JsonElement> Decisions(string rule) =>
        [.. Audits("decision").Where(d => d.GetProperty("rule").GetString() == rule)];

    /// <summary>The one decision of <paramref name="rule"/> whose group names <paramref name="app"/>.</summary>
    public JsonElement Decision(string rule, string app) =>
        Assert.Single(Decisions(rule), d => d.GetProperty("group").GetString()!.Contains($"\"{app}\"", StringComparison.Ordinal));

    /// <summary>The request id the invocation ran under (the one the ledger records for its claims).</summary>
    public string RequestId => Audits("decision").Select(d => d.GetProperty("requestId").GetString()!).Distinct().Single();
}
