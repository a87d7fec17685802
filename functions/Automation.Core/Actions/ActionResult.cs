namespace Automation.Core.Actions;

/// <summary>What an executor reports for one action.</summary>
/// <param name="Detail">Why, in a sentence an operator can act on; never a secret. Bounded when written.</param>
/// <param name="Facts">What the audit line should carry besides (run id and URL, HTTP status, the workload acted on).</param>
public sealed record ActionResult(ActionStatus Status, string Detail, IReadOnlyDictionary<string, string>? Facts = null)
{
    public static ActionResult Succeeded(string detail, IReadOnlyDictionary<string, string>? facts = null) => new(ActionStatus.Succeeded, detail, facts);

    public static ActionResult Failed(string detail, IReadOnlyDictionary<string, string>? facts = null) => new(ActionStatus.Failed, detail, facts);

    public static ActionResult Suppressed(string detail, IReadOnlyDictionary<string, string>? facts = null) => new(ActionStatus.Suppressed, detail, facts);

    public static ActionResult Skipped(string detail, IReadOnlyDictionary<string, string>? facts = null) => new(ActionStatus.Skipped, detail, facts);

    public static ActionResult Retry(string detail, IReadOnlyDictionary<string, string>? facts = null) => new(ActionStatus.Retry, detail, facts);
}
