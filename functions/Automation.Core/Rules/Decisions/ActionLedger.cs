using System.Text;
using Automation.Core.State;

namespace Automation.Core.Rules.Decisions;

/// <summary>
/// What an action stage uses to close the loop on a decision: record how its action ended under the ledger key the
/// decision claimed, and take units of a budget before acting. One per function, over the function's state store.
/// </summary>
public sealed class ActionLedger
{
    /// <summary>Details longer than this are cut: a ledger item stays small whatever an API answered.</summary>
    internal const int MaxDetailLength = 1024;

    private readonly IRuleStateStore _store;
    private readonly TimeProvider _time;

    public ActionLedger(IRuleStateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>
    /// Records the outcome of the action <paramref name="decision"/> claimed. <paramref name="release"/> ends the claim
    /// now (the action did not run and the next match may try again). False when the decision claimed nothing, or the
    /// claim was taken over after this invocation's lease.
    /// </summary>
    /// <param name="links">Pages the action gave people (label → URL), kept so a notification sent by a later delivery can show them.</param>
    public Task<bool> RecordAsync(
        Decision decision, string requestId, LedgerState outcome, string detail, bool release, IReadOnlyDictionary<string, string>? links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.LedgerKey is not { } key)
        {
            return Task.FromResult(false);
        }
        return _store.RecordOutcomeAsync(key, requestId, outcome, Clean(detail), _time.GetUtcNow(), release, links, cancellationToken);
    }

    /// <summary>
    /// Claims <paramref name="key"/> as done, for <paramref name="holdFor"/>: true when no other trigger holds it (a
    /// delivery of the same trigger again finds it done). Notifications use it to tell one thing once per cooldown.
    /// </summary>
    public async Task<bool> ClaimDoneAsync(string key, string requestId, string trigger, TimeSpan holdFor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var result = await _store.ClaimAsync(key, new LedgerClaim(requestId, trigger, now, now + holdFor, now, LedgerState.Succeeded), cancellationToken).ConfigureAwait(false);
        return result.Won;
    }

    /// <summary>Ends a claim made by <see cref="ClaimDoneAsync"/> (what it stood for did not happen after all).</summary>
    public Task<bool> ReleaseAsync(string key, string requestId, CancellationToken cancellationToken) =>
        _store.RecordOutcomeAsync(key, requestId, LedgerState.Skipped, "released", _time.GetUtcNow(), release: true, links: null, cancellationToken);

    /// <summary>Takes one unit of <paramref name="scope"/>'s budget: at most <paramref name="limit"/> in any <paramref name="within"/>.</summary>
    public Task<BudgetResult> TakeBudgetAsync(string scope, int limit, TimeSpan within, string requestId, CancellationToken cancellationToken) =>
        _store.TryTakeBudgetAsync("budget|" + scope, limit, within, _time.GetUtcNow(), requestId, cancellationToken);

    /// <summary>The ledger entry of <paramref name="decision"/>'s action as it stands; null when it claimed nothing.</summary>
    public Task<LedgerEntry?> ReadAsync(Decision decision, CancellationToken cancellationToken) =>
        decision.LedgerKey is { } key ? _store.ReadAsync(key, cancellationToken) : Task.FromResult<LedgerEntry?>(null);

    // Details may quote API answers that quote log text: no control characters, bounded length.
    private static string Clean(string detail)
    {
        var text = new StringBuilder(Math.Min(detail.Length, MaxDetailLength));
        foreach (var c in detail.AsSpan(0, Math.Min(detail.Length, MaxDetailLength)))
        {
            text.Append(char.IsControl(c) ? ' ' : c);
        }
        return text.ToString();
    }
}
