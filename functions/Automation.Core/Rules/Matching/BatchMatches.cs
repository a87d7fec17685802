namespace Automation.Core.Rules.Matching;

/// <summary>
/// Which records of a batch each rule matched: record indices in batch order, per rule index of the rule set.
/// Reused across batches (<see cref="Clear"/>) so matching allocates nothing per record.
/// </summary>
public sealed class BatchMatches
{
    private readonly List<int>[] _byRule;

    public BatchMatches(int ruleCount)
    {
        _byRule = new List<int>[ruleCount];
        for (var i = 0; i < ruleCount; i++)
        {
            _byRule[i] = [];
        }
    }

    public int RuleCount => _byRule.Length;

    /// <summary>Indices (into the batch's log records) of the records rule <paramref name="ruleIndex"/> matched, ascending.</summary>
    public IReadOnlyList<int> RecordsOf(int ruleIndex) => _byRule[ruleIndex];

    public int Total => _byRule.Sum(list => list.Count);

    public void Add(int ruleIndex, int recordIndex) => _byRule[ruleIndex].Add(recordIndex);

    public void Clear()
    {
        foreach (var list in _byRule)
        {
            list.Clear();
        }
    }
}
