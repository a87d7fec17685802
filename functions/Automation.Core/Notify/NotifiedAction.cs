namespace Automation.Core.Notify;

/// <summary>One action a notification reports.</summary>
/// <param name="Type">The action type, e.g. rollout_restart.</param>
/// <param name="Target">What it acted on; may contain hostile text.</param>
/// <param name="Outcome">How it ended, e.g. succeeded, failed.</param>
/// <param name="Detail">Why, in a sentence; may contain hostile text.</param>
/// <param name="Links">Label to absolute URL (e.g. "run" to a GitHub run's page); only https (http on a loopback host) is kept.</param>
public sealed record NotifiedAction(string Type, string Target, string Outcome, string Detail, IReadOnlyDictionary<string, string> Links);
