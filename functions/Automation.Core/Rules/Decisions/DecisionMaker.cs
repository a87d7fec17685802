using System.Globalization;
using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Matching;
using Automation.Core.Rules.Templates;
using Automation.Core.State;

namespace Automation.Core.Rules.Decisions;

/// <summary>
/// Turns a batch's matches into decisions: thresholds per group over a sliding window, an action ledger claim before
/// any action (cooldowns per target, redelivered batches recognised), dry-run. Matches are aggregated per (rule, group) first, so a batch costs one state update per group, not one per
/// record. Windows follow the records' own timestamps (capped at the clock, so a lagging consumer still sees a burst as
/// a burst and a record from the future cannot stretch a window); cooldowns follow the clock, when actions really run.
/// </summary>
public sealed class DecisionMaker
{
    /// <summary>A window is counted in this many buckets: the window slides in steps of a tenth of its length.</summary>
    internal const int BucketsPerWindow = 10;

    /// <summary>State calls in flight at once: enough to hide a remote store's latency, few enough not to be throttled.</summary>
    internal const int MaxConcurrentStateCalls = 16;

    /// <summary>Added to an invocation's deadline for its claims' lease: clocks of different hosts differ a little.</summary>
    internal static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(10);

    private readonly RuleSet _rules;
    private readonly IRuleStateStore _store;
    private readonly TimeProvider _time;
    private readonly DecisionScope _scope;
    private readonly bool _dryRun;

    // Per action of the rules, its target's parameters in name order, worked out once: targets are built per record.
    private readonly Dictionary<RuleAction, TargetParameter[]> _targetParameters = new(ReferenceEqualityComparer.Instance);

    private readonly Dictionary<string, Rule> _rulesById;

    // The rules whose incidents this caller keeps and resolves, by id.
    private readonly Dictionary<string, Rule> _resolving;

    public DecisionMaker(RuleSet rules, IRuleStateStore store, TimeProvider time, DecisionScope scope, bool dryRun)
    {
        _rules = rules;
        _store = store;
        _time = time;
        _scope = scope;
        _dryRun = dryRun;
        foreach (var action in rules.Rules.SelectMany(r => r.Actions))
        {
            _targetParameters[action] = TargetParameters(action);
        }
        _rulesById = rules.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _resolving = rules.Rules.Where(r => r.ResolveAfter is not null && r.Actions.Any(a => OpensIncidents(r, a))).ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<Decision>> DecideAsync(IReadOnlyList<LogRecord> records, BatchMatches matches, Invocation invocation, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var work = new List<(Rule Rule, MatchGroup Group)>();
        for (var ruleIndex = 0; ruleIndex < _rules.Rules.Count; ruleIndex++)
        {
            var rule = _rules.Rules[ruleIndex];
            var hits = matches.RecordsOf(ruleIndex);
            if (hits.Count == 0 || !_scope.Decides(rule))
            {
                continue;
            }
            work.AddRange(Group(rule, records, hits).Select(group => (rule, group)));
        }

        // Each group has its own counter, so the counts go to the store at once: against a remote store a batch costs
        // a few round trips of latency, not one per group.
        // Rules that escalate also look up their earlier step in the ledger and count their matches since it ran, for
        // every group that matched, below its threshold or not ("since" must not miss a batch), in the same round.
        var counts = new GroupCount[work.Count];
        var escalations = new EscalationStatus?[work.Count];
        await ForEachAsync(work.Count, async (i, token) =>
        {
            counts[i] = await CountAsync(work[i].Rule, work[i].Group, records, now, token).ConfigureAwait(false);
            if (work[i].Rule.EscalateAfter is { } step)
            {
                escalations[i] = await CheckEscalationAsync(work[i].Rule, step, work[i].Group, records, now, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);

        // Decisions are planned in rule and group order. Every action is claimed in the ledger before it may run, so a
        // redelivered batch finds it done. Groups may share an action target, so each ledger key is claimed once, by its
        // first group in that order; the claims then go out at once and their answers settle the plan: the same
        // outcomes as deciding one group after another. Notify actions are claimed in a second round, only for groups
        // whose actions are to run or ran: they tell of those, and must not hold their claim while another invocation
        // acts.
        var decisions = new List<Decision>();
        var decisionWork = new List<int>();
        var claims = new ClaimRound(invocation, now, _dryRun);
        var notices = new List<(int Decision, string Met)>();
        for (var i = 0; i < work.Count; i++)
        {
            var (rule, group) = work[i];
            var count = counts[i];
            var last = records[group.Records[^1]];
            if (rule.Threshold is { } threshold && count.WindowCount < threshold.Count)
            {
                decisions.Add(Decide(rule, DecisionOutcome.BelowThreshold,
                    $"{count.WindowCount} of {threshold.Count} matches within {Durations.Format(threshold.Within)}", group, last, count.WindowCount, action: null));
                decisionWork.Add(i);
                continue;
            }

            var met = rule.Threshold is { } t ? $"{count.WindowCount} matches within {Durations.Format(t.Within)} (threshold {t.Count})" : "matched";
            if (escalations[i] is { } escalation)
            {
                if (!escalation.Met)
                {
                    decisions.Add(Decide(rule, DecisionOutcome.NotEscalated, $"{met}; {escalation.Reason}", group, last, count.WindowCount, action: null));
                    decisionWork.Add(i);
                    continue;
                }
                met += "; " + escalation.Reason;
            }
            if (rule.Actions.Count == 0)
            {
                decisions.Add(Decide(rule, DecisionOutcome.Fired, met + "; the rule has no actions, it only counts", group, last, count.WindowCount, action: null));
                decisionWork.Add(i);
                continue;
            }

            var facts = new MatchFacts(rule, count.WindowCount, count.FirstSeen, count.LastSeen);
            for (var actionIndex = 0; actionIndex < rule.Actions.Count; actionIndex++)
            {
                var action = rule.Actions[actionIndex];
                if (!_scope.Decides(rule, action))
                {
                    continue;
                }

                var rendered = Render(action, actionIndex, last, facts);
                var trigger = last.Source.ToString();
                var key = LedgerKey(rule, rendered, trigger, group.Key);
                decisions.Add(_dryRun
                    ? Decide(rule, DecisionOutcome.DryRun, met + "; dry-run: not executed", group, last, count.WindowCount, rendered, key)
                    : Decide(rule, DecisionOutcome.Fired, met, group, last, count.WindowCount, rendered, key));
                decisionWork.Add(i);
                if (action.Type == ActionCatalog.Notify)
                {
                    notices.Add((decisions.Count - 1, met));
                    continue;
                }
                claims.Add(decisions.Count - 1, key, trigger, rule.Cooldown, met);
            }
        }
        await SettleAsync(claims, decisions, cancellationToken).ConfigureAwait(false);

        // Each group's decisions, for the notices to find the actions they tell of without a pass over the batch each.
        var ofGroup = new List<int>[work.Count];
        for (var d = 0; d < decisions.Count; d++)
        {
            (ofGroup[decisionWork[d]] ??= []).Add(d);
        }
        var noticeClaims = new ClaimRound(invocation, now, _dryRun);
        foreach (var (index, met) in notices)
        {
            var notice = decisions[index];
            var rule = work[decisionWork[index]].Rule;
            if (Followed(decisions, ofGroup[decisionWork[index]]) is { } held)
            {
                decisions[index] = notice with
                {
                    Outcome = held.Outcome,
                    LedgerKey = null,
                    Reason = $"{met}; notify tells of {held.Action!.Type}, which is {DecisionAudit.OutcomeName(held.Outcome)} here: nothing to tell",
                };
                continue;
            }
            noticeClaims.Add(index, notice.LedgerKey!, notice.Sample.ToString(), rule.Cooldown, met);
        }
        await SettleAsync(noticeClaims, decisions, cancellationToken).ConfigureAwait(false);

        await NoteIncidentsAsync(work, decisions, decisionWork, records, invocation, now, cancellationToken).ConfigureAwait(false);
        return decisions;
    }

    /// <summary>
    /// Resolves the incidents of this caller's rules that have been quiet for their resolve_after, the longest quiet
    /// first, at most <paramref name="limit"/> (the rest wait for the next call): one <see cref="DecisionOutcome.Resolved"/>
    /// decision for each this call resolved (of concurrent sweeps, one resolves each). Without rules that resolve, no
    /// state call is made. Dry-run and live incidents are kept apart: each resolves only its own.
    /// </summary>
    public async Task<IReadOnlyList<Decision>> ResolveQuietAsync(Invocation invocation, int limit, CancellationToken cancellationToken)
    {
        if (_resolving.Count == 0)
        {
            return [];
        }
        var now = _time.GetUtcNow();
        // A rule that lost its resolve_after (or was removed) leaves its incidents to expire.
        var quiet = (await _store.OpenIncidentsAsync(_scope.Name, cancellationToken).ConfigureAwait(false))
            .Where(i => i.DryRun == _dryRun && _resolving.TryGetValue(i.RuleId, out var rule) && i.LastMatch + rule.ResolveAfter!.Value <= now)
            .OrderBy(i => i.LastMatch)
            .Take(limit)
            .ToList();
        var resolved = new bool[quiet.Count];
        await ForEachAsync(quiet.Count, async (i, token) =>
            resolved[i] = await _store.ResolveIncidentAsync(_scope.Name, quiet[i], now, invocation.RequestId, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        return quiet.Where((_, i) => resolved[i]).Select(incident => new Decision(
            incident.RuleId,
            DecisionOutcome.Resolved,
            $"no match for {Durations.Format(_resolving[incident.RuleId].ResolveAfter!.Value)} since the last one at {Time(incident.LastMatch)}; " +
            $"fired at {Time(incident.OpenedAt)} by request {incident.OpenedBy}{(incident.DryRun ? " (a dry-run plan)" : "")}",
            incident.Group,
            BatchMatches: 0,
            WindowCount: 0,
            Action: null,
            incident.LastTrigger,
            Records: [])).ToList();
    }

    /// <summary>Forwarding only annotates: the functions that restart, roll back or notify keep a rule's incidents.</summary>
    private bool OpensIncidents(Rule rule, RuleAction action) => action.Type != ActionCatalog.Forward && _scope.Decides(rule, action);

    /// <summary>
    /// For rules that resolve: a group whose rule fired (or planned, in dry-run) opens its incident, or keeps it open;
    /// any other matching group moves its open incident's last match on. One state call per such group.
    /// </summary>
    private async Task NoteIncidentsAsync(
        List<(Rule Rule, MatchGroup Group)> work, List<Decision> decisions, List<int> decisionWork, IReadOnlyList<LogRecord> records,
        Invocation invocation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fired = new bool[work.Count];
        for (var d = 0; d < decisions.Count; d++)
        {
            fired[decisionWork[d]] |= decisions[d] is { Outcome: DecisionOutcome.Fired or DecisionOutcome.DryRun, Action.Type: not ActionCatalog.Forward };
        }
        await ForEachAsync(work.Count, async (i, token) =>
        {
            var (rule, group) = work[i];
            if (rule.ResolveAfter is not { } quiet || !_resolving.ContainsKey(rule.Id))
            {
                return;
            }
            var key = _dryRun ? DryRunKey($"{rule.Id}|{group.Key}") : $"{rule.Id}|{group.Key}";
            var last = records[group.Records[^1]].Source;
            var keepUntil = now + quiet + DynamoDbRuleStateStore.LedgerRetention;
            if (fired[i])
            {
                await _store.OpenIncidentAsync(_scope.Name, new Incident(key, rule.Id, group.Key, now, invocation.RequestId, now, last, _dryRun), keepUntil, token).ConfigureAwait(false);
            }
            else
            {
                await _store.TouchIncidentAsync(_scope.Name, key, now, last, keepUntil, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a round's claims at once and settles each planned decision with its answer.</summary>
    private async Task SettleAsync(ClaimRound round, List<Decision> decisions, CancellationToken cancellationToken)
    {
        var results = new ClaimResult[round.Claims.Count];
        await ForEachAsync(round.Claims.Count, async (c, token) =>
            results[c] = await _store.ClaimAsync(round.Claims[c].Key, round.Claims[c].Claim, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        foreach (var (index, claim, firstClaimant, met) in round.Pending)
        {
            decisions[index] = Settle(decisions[index], round.Claims[claim].Claim, results[claim], firstClaimant, met);
        }
    }

    /// <summary>
    /// For a notify decision: the group's restart or rollback that holds it back, when none of them is to run, was
    /// planned or already ran (in cooldown, in progress); null when the notice is claimed — one of them is, or the rule
    /// has none and only notifies.
    /// </summary>
    private static Decision? Followed(List<Decision> decisions, List<int> group)
    {
        Decision? held = null;
        foreach (var d in group)
        {
            if (decisions[d].Action is not { Type: not ActionCatalog.Notify and not ActionCatalog.Forward })
            {
                continue;
            }
            if (decisions[d].Outcome is DecisionOutcome.Fired or DecisionOutcome.DryRun or DecisionOutcome.AlreadyDone)
            {
                return null;
            }
            held ??= decisions[d];
        }
        return held;
    }

    /// <summary>
    /// The decision once its claim is answered. Won: it fires (or is planned, in dry-run), and says so when it took over
    /// an abandoned claim. Lost: already done (same trigger, finished), in progress (same trigger, claimant still within
    /// its lease) or in cooldown (another trigger). A group that shares its target with an earlier one in the batch does
    /// not fire twice: in cooldown when the earlier fired, else what the earlier got.
    /// </summary>
    private static Decision Settle(Decision planned, LedgerClaim claim, ClaimResult result, bool firstClaimant, string met)
    {
        var action = planned.Action!;
        var cooldown = claim.Until - claim.Now;
        if (result.Won && firstClaimant)
        {
            return result.TookOver
                ? planned with { Reason = $"{planned.Reason}; took over the claim of request {result.Previous!.RequestId} from {Time(result.Previous.ClaimedAt)}, which recorded no outcome before its lease ended: its action may have run once" }
                : planned;
        }
        if (result.Won)
        {
            return planned with { Outcome = DecisionOutcome.InCooldown, LedgerKey = null, Reason = $"{met}; {action.Type} fires for this target once per batch, for an earlier group" };
        }

        var holder = result.Previous;
        var (outcome, reason) = holder switch
        {
            { State: not LedgerState.Claimed } when holder.Trigger == claim.Trigger => (DecisionOutcome.AlreadyDone,
                $"{met}; {action.Type} already done for this trigger by request {holder.RequestId} at {Time(holder.ClaimedAt)}: {LedgerStates.Name(holder.State)}"),
            { State: LedgerState.Claimed } when holder.Trigger == claim.Trigger => (DecisionOutcome.InProgress,
                $"{met}; request {holder.RequestId} claimed {action.Type} for this trigger at {Time(holder.ClaimedAt)} and has recorded no outcome yet: delivered again until it does or its lease ends at {Time(holder.LeaseUntil)}"),
            not null => (DecisionOutcome.InCooldown,
                $"{met}; {action.Type} already {(holder.State == LedgerState.Claimed ? "claimed" : "fired")} for this target within the cooldown of {Durations.Format(cooldown)} by request {holder.RequestId} at {Time(holder.ClaimedAt)} ({LedgerStates.Name(holder.State)})"),
            // Held, but the entry could not be read back (a store that does not return it): still not ours to run.
            null => (DecisionOutcome.InCooldown, $"{met}; {action.Type} already claimed for this target within the cooldown of {Durations.Format(cooldown)}"),
        };
        return planned with { Outcome = outcome, Reason = reason, LedgerKey = null, Holder = outcome == DecisionOutcome.AlreadyDone ? holder : null };
    }

    /// <summary>
    /// Whether the earlier step of <paramref name="rule"/>'s ladder ran for the target its action would have for this
    /// group's last record, within the window, and the rule has matched often enough since. A succeeded outcome counts
    /// (a failed or suppressed step is not a step taken); in dry-run a planned step counts too, so a rehearsal shows
    /// the whole ladder. Matches since are this group's records logged after the step's outcome, counted in the state
    /// store under that run, so a new run of the step starts the count again.
    /// </summary>
    private async Task<EscalationStatus> CheckEscalationAsync(Rule rule, Escalation step, MatchGroup group, IReadOnlyList<LogRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var earlier = _rulesById[step.RuleId];
        var target = TargetText(earlier.Actions[step.ActionIndex], records[group.Records[^1]]);
        var key = CooldownKey(earlier.Id, step.ActionIndex, target);
        var what = $"escalates after {step.ActionType} of rule {earlier.Id} for {target}";
        var entry = await _store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        var ran = RanAt(entry, now - step.Within);
        if (ran is null && _dryRun)
        {
            var plan = await _store.ReadAsync(DryRunKey(key), cancellationToken).ConfigureAwait(false);
            if (RanAt(plan, now - step.Within) is { } planned)
            {
                (entry, ran) = (plan, planned);
            }
        }
        if (ran is not { } ranAt)
        {
            var last = entry is null ? "none recorded"
                : entry.State == LedgerState.Succeeded ? $"it last ran at {Time(entry.OutcomeAt ?? entry.ClaimedAt)}"
                : $"its last attempt, at {Time(entry.ClaimedAt)}, is {LedgerStates.Name(entry.State)}";
            return new EscalationStatus(false, $"{what}, which has not run within {Durations.Format(step.Within)} ({last})");
        }

        var since = group.Records.Count(index => WindowTime(records[index], now) > ranAt);
        var sinceKey = $"since|{_scope.Name}|{rule.Id}|{group.Key}|{entry!.RequestId}@{Time(ranAt)}";
        var additions = since == 0 ? [] : new[] { new BucketCount(ranAt, since) };
        // The one bucket starts at the step's run, inside the escalation window; that window is also how long it is kept.
        var total = await _store.AddAndCountAsync(sinceKey, additions, step.Within + TimeSpan.FromSeconds(1), now, cancellationToken).ConfigureAwait(false);
        var state = entry.State == LedgerState.DryRun ? "planned in dry-run" : "succeeded";
        return total >= step.StillMatching
            ? new EscalationStatus(true, $"escalating: {step.ActionType} of rule {earlier.Id} ran at {Time(ranAt)} ({state}, request {entry.RequestId}) and this rule matched {total} times since (still_matching {step.StillMatching})")
            : new EscalationStatus(false, $"{what}, which ran at {Time(ranAt)} ({state}, request {entry.RequestId}); {total} of {step.StillMatching} matches since: not escalating yet");
    }

    /// <summary>When the entry's step was taken, if it was and not before <paramref name="from"/>: a succeeded outcome, or a dry-run plan.</summary>
    private static DateTimeOffset? RanAt(LedgerEntry? entry, DateTimeOffset from)
    {
        var at = entry switch
        {
            { State: LedgerState.Succeeded, OutcomeAt: { } outcomeAt } => outcomeAt,
            { State: LedgerState.DryRun } => entry.ClaimedAt,
            _ => (DateTimeOffset?)null,
        };
        return at >= from ? at : null;
    }

    private async Task<GroupCount> CountAsync(Rule rule, MatchGroup group, IReadOnlyList<LogRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var times = group.Records.Select(i => WindowTime(records[i], now)).ToList();
        var firstSeen = times.Min();
        var lastSeen = times.Max();
        if (rule.Threshold is not { } threshold)
        {
            return new GroupCount(group.Records.Count, firstSeen, lastSeen);
        }

        var additions = times
            .GroupBy(t => BucketStart(t, threshold.Within))
            .Select(bucket => new BucketCount(bucket.Key, bucket.Count()))
            .ToList();
        var windowCount = await _store.AddAndCountAsync(CounterKey(rule, group.Key), additions, threshold.Within, lastSeen, cancellationToken).ConfigureAwait(false);
        return new GroupCount(windowCount, firstSeen, lastSeen);
    }

    /// <summary>Runs the state calls of a batch side by side, at most <see cref="MaxConcurrentStateCalls"/> at once.</summary>
    private static Task ForEachAsync(int count, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        count == 0
            ? Task.CompletedTask
            : Parallel.ForEachAsync(
                Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentStateCalls, CancellationToken = cancellationToken },
                body);

    private static Decision Decide(Rule rule, DecisionOutcome outcome, string reason, MatchGroup group, LogRecord last, long windowCount, RenderedAction? action, string? ledgerKey = null) =>
        new(rule.Id, outcome, reason, group.Key, group.Records.Count, windowCount, action, last.Source, group.Records, ledgerKey);

    /// <summary>
    /// With a threshold, groups are the group_by values. Without one, a rule's matches group by their action targets
    /// (different pods are different decisions); a rule with neither has one group.
    /// </summary>
    private IEnumerable<MatchGroup> Group(Rule rule, IReadOnlyList<LogRecord> records, IReadOnlyList<int> hits)
    {
        var groups = new Dictionary<string, MatchGroup>(StringComparer.Ordinal);
        foreach (var index in hits)
        {
            var key = GroupKey(rule, records[index]);
            if (!groups.TryGetValue(key, out var group))
            {
                group = new MatchGroup(key, []);
                groups[key] = group;
            }
            group.Records.Add(index);
        }
        return groups.Values;
    }

    private string GroupKey(Rule rule, LogRecord record)
    {
        if (rule.Threshold is { GroupBy.Count: > 0 } threshold)
        {
            return string.Join(", ", threshold.GroupBy.Select(path =>
                path.Text + "=" + (RecordValues.TryGet(record, path, out var value) ? JsonSerializer.Serialize(value, RulesJsonContext.Default.String) : "null")));
        }
        if (rule.Threshold is null)
        {
            var targets = string.Join(" | ", rule.Actions.Where(action => _scope.Decides(rule, action)).Select(action => TargetText(action, record)));
            // An escalating rule's records count towards the earlier step of their own target: group by it too.
            return rule.EscalateAfter is { } step
                ? targets + " | after " + TargetText(_rulesById[step.RuleId].Actions[step.ActionIndex], record)
                : targets;
        }
        return "";
    }

    private RenderedAction Render(RuleAction action, int index, LogRecord record, MatchFacts facts)
    {
        var parameters = action.Parameters.ToDictionary(p => p.Key, p => TemplateRenderer.Render(p.Value, record, facts), StringComparer.Ordinal);
        return new RenderedAction(action.Type, index, parameters, TargetText(action, record));
    }

    /// <summary>
    /// The action's parameters with record fields filled in and facts, message and level left as written: what the
    /// action acts on, stable across batches however the counts and lines change. Sorted by name, so it does not
    /// depend on file order.
    /// </summary>
    private string TargetText(RuleAction action, LogRecord record)
    {
        var text = new StringBuilder(action.Type);
        foreach (var (name, template, defaultParameter) in _targetParameters[action])
        {
            if (template is null)
            {
                if (ActionCatalog.TargetDefault(action.Type, defaultParameter!, record) is { } fromRecord)
                {
                    text.Append(' ').Append(name).Append('=').Append(fromRecord);
                }
                continue;
            }
            text.Append(' ').Append(name).Append('=');
            foreach (var part in template.Parts)
            {
                text.Append(part switch
                {
                    LiteralPart literal => literal.Text,
                    VariablePart { Variable.Fact: { } fact } => "{{" + fact + "}}",
                    VariablePart { Variable.IsLineText: true } variable => "{{" + variable.Variable.Text + "}}",
                    VariablePart variable => RecordValues.TryGet(record, variable.Variable.RecordField, out var value) ? value : "",
                    _ => "",
                });
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The parameters that make an action's target, in name order: the rule's own, and those it leaves out that the
    /// executor takes from the record (restart_pod's namespace and pod, rollout_restart's namespace and the pod's
    /// owner) — without these every pod would share one cooldown.
    /// </summary>
    private static TargetParameter[] TargetParameters(RuleAction action)
    {
        var defaults = ActionCatalog.Find(action.Type)?.Parameters
            .Where(p => p.DefaultField is not null && !action.Parameters.ContainsKey(p.Name))
            .Select(p => new TargetParameter(p.Name, null, p)) ?? [];
        return action.Parameters.Select(p => new TargetParameter(p.Key, p.Value, null))
            .Concat(defaults)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();
    }

    private string CounterKey(Rule rule, string group) => $"count|{_scope.Name}|{rule.Id}|{group}";

    /// <summary>
    /// An action's key in the ledger: per target for a rule with a cooldown (the cooldown holds across triggers), per
    /// target and trigger without one (each trigger acts once, however often it is delivered). Dry-run plans have keys
    /// of their own, so a rehearsal never holds back the real thing.
    /// </summary>
    private string LedgerKey(Rule rule, RenderedAction action, string trigger, string group)
    {
        // A notify tells of its group, and its target need not name it (no text, or one without record fields): the
        // group is part of what it is claimed for, so one group's notice never holds another's in cooldown.
        // Each function tells of its own actions, so a rule whose actions two functions run has a notify for each.
        var target = action.Type == ActionCatalog.Notify ? $"{action.Target}|{group}|{_scope.Name}" : action.Target;
        var key = rule.Cooldown is null
            ? $"once|{rule.Id}|{action.Index}|{target}|{trigger}"
            : CooldownKey(rule.Id, action.Index, target);
        return _dryRun ? DryRunKey(key) : key;
    }

    /// <summary>The ledger key of an action of a rule with a cooldown: one entry per target, its last run.</summary>
    private static string CooldownKey(string rule, int actionIndex, string target) => $"cooldown|{rule}|{actionIndex}|{target}";

    private static string DryRunKey(string key) => "dry-run|" + key;

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset WindowTime(LogRecord record, DateTimeOffset now) =>
        record.TimestampSource == LogTimestampSource.Unknown || record.Timestamp > now ? now : record.Timestamp;

    internal static DateTimeOffset BucketStart(DateTimeOffset time, TimeSpan within)
    {
        var width = Math.Max(TimeSpan.TicksPerSecond, within.Ticks / BucketsPerWindow);
        var ticks = time.UtcTicks - time.UtcTicks % width;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private sealed record MatchGroup(string Key, List<int> Records);

    /// <summary>One round of ledger claims: each key once, by the first decision that plans it; the others share its answer.</summary>
    private sealed class ClaimRound(Invocation invocation, DateTimeOffset now, bool dryRun)
    {
        private readonly Dictionary<string, int> _claimOf = new(StringComparer.Ordinal);

        public List<(string Key, LedgerClaim Claim)> Claims { get; } = [];

        public List<(int Decision, int Claim, bool FirstClaimant, string Met)> Pending { get; } = [];

        public void Add(int decision, string key, string trigger, TimeSpan? cooldown, string met)
        {
            var first = !_claimOf.TryGetValue(key, out var claim);
            if (first)
            {
                claim = Claims.Count;
                Claims.Add((key, new LedgerClaim(
                    invocation.RequestId,
                    trigger,
                    now,
                    now + (cooldown ?? DynamoDbRuleStateStore.LedgerRetention),
                    invocation.Deadline + LeaseMargin,
                    dryRun ? LedgerState.DryRun : LedgerState.Claimed)));
                _claimOf[key] = claim;
            }
            Pending.Add((decision, claim, first, met));
        }
    }

    /// <summary>A parameter of an action's target: the rule's template, or the catalog parameter the record fills in.</summary>
    private readonly record struct TargetParameter(string Name, Template? Template, ActionParameter? DefaultParameter);

    private sealed record GroupCount(long WindowCount, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

    private sealed record EscalationStatus(bool Met, string Reason);
}
